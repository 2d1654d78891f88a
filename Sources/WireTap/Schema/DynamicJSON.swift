import Foundation

/// The protobuf JSON mapping of a `DynamicMessage`, as `json_format.MessageToDict` and
/// protoc's JSON printer write it: json names, 64-bit integers as strings, enums by name,
/// bytes as base64, and the well-known types' special forms.
enum DynamicJSON {
  /// The key of the member that marks where a limit cut a message (no JSON name can be `…`).
  static let cutMarker = "…"

  /// The message as JSON (unknown fields are left out, as the JSON mapping does). Where a limit
  /// cut it, a `"…"` member says which: nesting past the decoder's depth, or fields past its budget.
  static func json(_ message: DynamicMessage) -> JSONValue {
    if message.depthCut {
      return .object([(cutMarker, .string("not decoded: nested deeper than the decoder's limit"))])
    }
    if let special = wellKnown(message) { return special }
    var members: [(String, JSONValue)] = []
    for field in message.fields where !field.isUnknown {
      members.append((field.jsonName, json(field.value)))
    }
    if message.omitted > 0 {
      members.append((cutMarker, .string("\(message.omitted) more fields or elements not decoded: over the limit")))
    }
    return .object(members)
  }

  static func json(_ value: DynamicValue) -> JSONValue {
    switch value {
    case .signed(let v, let is64): return is64 ? .string(String(v)) : .number(String(v))
    case .unsigned(let v, let is64): return is64 ? .string(String(v)) : .number(String(v))
    case .float(let v): return floating(Double(v), text: String(describing: v))
    case .double(let v): return floating(v, text: String(describing: v))
    case .bool(let v): return .bool(v)
    case .string(let text, _): return .string(text)
    case .bytes(let bytes, _), .payload(_, _, let bytes, _): return .string(Data(bytes).base64EncodedString())
    case .enumValue(let type, let number, let name):
      if type == "google.protobuf.NullValue" { return .null }
      return name.map { .string($0) } ?? .number(String(number))
    case .message(let message): return json(message)
    case .list(let elements, _): return .array(elements.map(json))
    case .map(let entries, _): return .object(entries.map { (mapKey($0.key), json($0.value)) })
    case .raw: return .null
    }
  }

  /// A map key as JSON object key text.
  static func mapKey(_ key: DynamicValue) -> String {
    switch key {
    case .signed(let v, _): return String(v)
    case .unsigned(let v, _): return String(v)
    case .bool(let v): return v ? "true" : "false"
    case .string(let text, _): return text
    default: return json(key).text
    }
  }

  private static func floating(_ value: Double, text: String) -> JSONValue {
    if value.isNaN { return .string("NaN") }
    if value.isInfinite { return .string(value < 0 ? "-Infinity" : "Infinity") }
    // Swift writes 1e+20 as "1e+20": valid JSON. Integral values print as "3.0": keep.
    return .number(text)
  }

  // MARK: Well-known types

  private static let wrappers: Set<String> = [
    "google.protobuf.DoubleValue", "google.protobuf.FloatValue", "google.protobuf.Int64Value",
    "google.protobuf.UInt64Value", "google.protobuf.Int32Value", "google.protobuf.UInt32Value",
    "google.protobuf.BoolValue", "google.protobuf.StringValue", "google.protobuf.BytesValue",
  ]

  private static func wellKnown(_ message: DynamicMessage) -> JSONValue? {
    switch message.typeName {
    case "google.protobuf.Timestamp":
      return WellKnownText.timestamp(seconds: int(message, "seconds"), nanos: Int32(int(message, "nanos"))).map {
        .string($0)
      }
    case "google.protobuf.Duration":
      return WellKnownText.duration(seconds: int(message, "seconds"), nanos: Int32(int(message, "nanos"))).map {
        .string($0)
      }
    case "google.protobuf.FieldMask":
      return .string(WellKnownText.fieldMask(strings(message, "paths")))
    case "google.protobuf.Struct":
      guard let fields = message.field("fields") else { return .object([]) }
      return json(fields.value)
    case "google.protobuf.ListValue":
      guard let values = message.field("values") else { return .array([]) }
      return json(values.value)
    case "google.protobuf.Value":
      guard let kind = message.fields.first(where: { !$0.isUnknown }) else { return .null }
      return json(kind.value)
    case "google.protobuf.Any":
      guard let url = message.field("type_url"), case .string(let typeURL, _) = url.value,
        let packed = message.field("value"), case .message(let inner) = packed.value
      else { return nil }
      let innerJSON = json(inner)
      if wellKnown(inner) != nil || inner.typeName == "google.protobuf.Empty" {
        return .object([("@type", .string(typeURL)), ("value", innerJSON)])
      }
      guard case .object(let members) = innerJSON else { return nil }
      return .object([("@type", .string(typeURL))] + members)
    default:
      guard wrappers.contains(message.typeName) else { return nil }
      guard let value = message.field("value") else {
        return json(defaultWrapped(message.typeName))
      }
      return json(value.value)
    }
  }

  static func defaultWrapped(_ type: String) -> DynamicValue {
    switch type {
    case "google.protobuf.DoubleValue": return .double(0)
    case "google.protobuf.FloatValue": return .float(0)
    case "google.protobuf.Int64Value": return .signed(0, is64: true)
    case "google.protobuf.UInt64Value": return .unsigned(0, is64: true)
    case "google.protobuf.Int32Value": return .signed(0, is64: false)
    case "google.protobuf.UInt32Value": return .unsigned(0, is64: false)
    case "google.protobuf.BoolValue": return .bool(false)
    case "google.protobuf.StringValue": return .string("", total: 0)
    default: return .bytes([], total: 0)
    }
  }

  static func int(_ message: DynamicMessage, _ name: String) -> Int64 {
    switch message.field(name)?.value {
    case .signed(let v, _): return v
    case .unsigned(let v, _): return Int64(truncatingIfNeeded: v)
    default: return 0
    }
  }

  static func strings(_ message: DynamicMessage, _ name: String) -> [String] {
    guard case .list(let elements, _) = message.field(name)?.value else { return [] }
    return elements.compactMap { if case .string(let text, _) = $0 { return text } else { return nil } }
  }
}
