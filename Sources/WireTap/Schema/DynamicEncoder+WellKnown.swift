import SwiftProtobuf

/// The well-known types' JSON forms: Timestamp, Duration, FieldMask strings, wrappers as bare
/// values, Struct/Value/ListValue as plain JSON, Any with `@type`.
extension DynamicEncoder {
  /// Writes `json` when `schema` is a well-known type with a special JSON form; false otherwise.
  func wellKnown(_ json: JSONValue, _ schema: MessageSchema, path: String, depth: Int, into out: inout WireWriter)
    throws(Failure) -> Bool
  {
    switch schema.fullName {
    case "google.protobuf.Timestamp":
      guard case .string(let text) = json, let (seconds, nanos) = WellKnownParsing.timestamp(text) else {
        throw Failure(
          path: path, reason: "expected an RFC 3339 time such as \"2024-05-01T12:30:00Z\", got \(Self.kind(json))")
      }
      Self.secondsAndNanos(seconds, nanos, into: &out)
    case "google.protobuf.Duration":
      guard case .string(let text) = json, let (seconds, nanos) = WellKnownParsing.duration(text) else {
        throw Failure(path: path, reason: "expected a duration such as \"1.5s\", got \(Self.kind(json))")
      }
      Self.secondsAndNanos(seconds, nanos, into: &out)
    case "google.protobuf.FieldMask":
      guard case .string(let text) = json else {
        throw Failure(path: path, reason: "expected comma-separated paths in a string, got \(Self.kind(json))")
      }
      for part in text.split(separator: ",") {
        out.tag(1, wireType: 2)
        out.lengthDelimited(Array(WellKnownParsing.snakeCase(String(part)).utf8))
      }
    case "google.protobuf.Struct":
      guard case .object(let members) = json else {
        throw Failure(path: path, reason: "expected an object, got \(Self.kind(json))")
      }
      for (key, value) in members {
        var entry = WireWriter()
        entry.tag(1, wireType: 2)
        entry.lengthDelimited(Array(key.utf8))
        entry.tag(2, wireType: 2)
        entry.lengthDelimited(try Self.value(value, path: Self.join(path, key), depth: depth + 1))
        out.tag(1, wireType: 2)
        out.lengthDelimited(entry.bytes)
      }
    case "google.protobuf.ListValue":
      guard case .array(let elements) = json else {
        throw Failure(path: path, reason: "expected an array, got \(Self.kind(json))")
      }
      for (index, element) in elements.enumerated() {
        out.tag(1, wireType: 2)
        out.lengthDelimited(try Self.value(element, path: "\(path)[\(index)]", depth: depth + 1))
      }
    case "google.protobuf.Value":
      out.append(try Self.value(json, path: path, depth: depth))
    case "google.protobuf.Any":
      try any(json, path: path, depth: depth, into: &out)
    default:
      guard schema.fullName.hasPrefix("google.protobuf."), schema.fullName.hasSuffix("Value"),
        let field = schema.fieldsByNumber[1], schema.descriptor.field.count == 1
      else { return false }
      try single(json, field, number: 1, path: path, depth: depth, into: &out)
    }
    return true
  }

  private static func secondsAndNanos(_ seconds: Int64, _ nanos: Int32, into out: inout WireWriter) {
    if seconds != 0 {
      out.tag(1, wireType: 0)
      out.varint(UInt64(bitPattern: seconds))
    }
    if nanos != 0 {
      out.tag(2, wireType: 0)
      out.varint(UInt64(bitPattern: Int64(nanos)))
    }
  }

  /// A `google.protobuf.Value` for any JSON value.
  static func value(_ json: JSONValue, path: String, depth: Int) throws(Failure) -> [UInt8] {
    guard depth < maxDepth else { throw Failure(path: path, reason: "nested too deeply") }
    var out = WireWriter()
    switch json {
    case .null:
      out.tag(1, wireType: 0)
      out.varint(0)
    case .number:
      out.tag(2, wireType: 1)
      out.fixed64(try ScalarJSON.floating(json, path: path, what: "a double").bitPattern)
    case .string(let text):
      out.tag(3, wireType: 2)
      out.lengthDelimited(Array(text.utf8))
    case .bool(let flag):
      out.tag(4, wireType: 0)
      out.varint(flag ? 1 : 0)
    case .object(let members):
      var inner = WireWriter()
      for (key, member) in members {
        var entry = WireWriter()
        entry.tag(1, wireType: 2)
        entry.lengthDelimited(Array(key.utf8))
        entry.tag(2, wireType: 2)
        entry.lengthDelimited(try Self.value(member, path: join(path, key), depth: depth + 1))
        inner.tag(1, wireType: 2)
        inner.lengthDelimited(entry.bytes)
      }
      out.tag(5, wireType: 2)
      out.lengthDelimited(inner.bytes)
    case .array(let elements):
      var inner = WireWriter()
      for (index, element) in elements.enumerated() {
        inner.tag(1, wireType: 2)
        inner.lengthDelimited(try Self.value(element, path: "\(path)[\(index)]", depth: depth + 1))
      }
      out.tag(6, wireType: 2)
      out.lengthDelimited(inner.bytes)
    }
    return out.bytes
  }

  private func any(_ json: JSONValue, path: String, depth: Int, into out: inout WireWriter) throws(Failure) {
    guard case .object(let members) = json else {
      throw Failure(path: path, reason: "expected an object with \"@type\", got \(Self.kind(json))")
    }
    guard let typeMember = members.first(where: { $0.0 == "@type" }), case .string(let typeURL) = typeMember.1 else {
      throw Failure(path: path, reason: "an Any needs \"@type\": \"type.googleapis.com/NAME\"")
    }
    let typeName = typeURL.split(separator: "/").last.map(String.init) ?? typeURL
    guard let packed = registry.message(typeName) else {
      throw Failure(path: Self.join(path, "@type"), reason: "no schema for \(typeName)")
    }
    let rest = members.filter { $0.0 != "@type" }
    let special = WellKnownParsing.hasSpecialJSON(typeName)
    let body: JSONValue = special ? (rest.first { $0.0 == "value" }?.1 ?? .null) : .object(rest)
    var inner = WireWriter()
    try message(body, packed, path: path, depth: depth + 1, into: &inner)
    out.tag(1, wireType: 2)
    out.lengthDelimited(Array(typeURL.utf8))
    out.tag(2, wireType: 2)
    out.lengthDelimited(inner.bytes)
  }
}
