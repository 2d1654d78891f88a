import Foundation
import SwiftProtobuf

/// Encodes a message from protobuf's JSON mapping by descriptor (what `call METHOD JSON`
/// sends): members by json name or field name, enums by name or number, 64-bit integers as
/// strings or numbers, bytes as base64, and the well-known types' JSON forms.
///
/// Errors name the field path (`order.items[1].qty`) and say what was expected.
public struct DynamicEncoder {
  /// Why the JSON does not make a message of the type.
  public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field path (`items[1].qty`), empty for the message itself.
    public var path: String
    /// What was wrong.
    public var reason: String
    /// `field "items[1].qty": expected an integer, got "x"`.
    public var description: String { path.isEmpty ? reason : "field \"\(path)\": \(reason)" }
  }

  typealias FieldType = Google_Protobuf_FieldDescriptorProto.TypeEnum

  let registry: DescriptorRegistry
  static let maxDepth = 100

  /// An encoder resolving types in `registry`.
  public init(registry: DescriptorRegistry) { self.registry = registry }

  /// Encodes `json` as the message named `type`.
  public func encode(_ json: JSONValue, as type: String) throws(Failure) -> [UInt8] {
    guard let schema = registry.message(type) else { throw Failure(path: "", reason: "no schema for \(type)") }
    var out = WireWriter()
    try message(json, schema, path: "", depth: 0, into: &out)
    return out.bytes
  }

  func message(_ json: JSONValue, _ schema: MessageSchema, path: String, depth: Int, into out: inout WireWriter)
    throws(Failure)
  {
    guard depth < Self.maxDepth else { throw Failure(path: path, reason: "nested too deeply") }
    if try wellKnown(json, schema, path: path, depth: depth, into: &out) { return }
    guard case .object(let members) = json else {
      throw Failure(path: path, reason: "expected an object for \(schema.fullName), got \(Self.kind(json))")
    }
    var oneofs: [String: String] = [:]
    for (key, value) in members {
      guard let field = schema.descriptor.field.first(where: { DynamicDecoder.jsonName($0) == key || $0.name == key })
      else {
        let names = schema.descriptor.field.map(\.name)
        let near = NearNames.closest(to: key, in: names + schema.descriptor.field.map { DynamicDecoder.jsonName($0) })
        let hint = near.isEmpty ? "" : " (did you mean \(near.map { "\"\($0)\"" }.joined(separator: ", "))?)"
        throw Failure(
          path: Self.join(path, key),
          reason: "\(schema.fullName) has no field \"\(key)\"\(hint); its fields: \(names.joined(separator: ", "))")
      }
      let fieldPath = Self.join(path, field.name)
      if case .null = value, field.typeName != ".google.protobuf.Value" { continue }
      if let oneof = schema.oneofName(of: field) {
        if let other = oneofs[oneof] {
          throw Failure(path: fieldPath, reason: "\"\(other)\" of oneof \(oneof) is set already (set one member only)")
        }
        oneofs[oneof] = field.name
      }
      try self.field(value, field, path: fieldPath, depth: depth, into: &out)
    }
  }

  private func field(
    _ value: JSONValue, _ field: Google_Protobuf_FieldDescriptorProto, path: String, depth: Int,
    into out: inout WireWriter
  ) throws(Failure) {
    let number = Int(field.number)
    if field.label == .repeated {
      if let entry = registry.message(field.typeName), entry.isMapEntry {
        guard case .object(let members) = value else {
          throw Failure(path: path, reason: "expected an object (a map), got \(Self.kind(value))")
        }
        guard let keyField = entry.fieldsByNumber[1], let valueField = entry.fieldsByNumber[2] else { return }
        for (key, element) in members {
          var inner = WireWriter()
          try mapKey(key, keyField, path: "\(path)[\"\(key)\"]", into: &inner)
          try single(element, valueField, number: 2, path: "\(path)[\"\(key)\"]", depth: depth, into: &inner)
          out.tag(number, wireType: 2)
          out.lengthDelimited(inner.bytes)
        }
        return
      }
      guard case .array(let elements) = value else {
        throw Failure(path: path, reason: "expected an array (a repeated field), got \(Self.kind(value))")
      }
      for (index, element) in elements.enumerated() {
        try single(element, field, number: number, path: "\(path)[\(index)]", depth: depth, into: &out)
      }
      return
    }
    try single(value, field, number: number, path: path, depth: depth, into: &out)
  }

  private func mapKey(
    _ key: String, _ field: Google_Protobuf_FieldDescriptorProto, path: String, into out: inout WireWriter
  ) throws(Failure) {
    switch field.type {
    case .string: try single(.string(key), field, number: 1, path: path, depth: 0, into: &out)
    case .bool:
      guard key == "true" || key == "false" else { throw Failure(path: path, reason: "map key must be true or false") }
      try single(.bool(key == "true"), field, number: 1, path: path, depth: 0, into: &out)
    default: try single(.number(key), field, number: 1, path: path, depth: 0, into: &out)
    }
  }

  /// One value (not a list) of `field`, written with field number `number`.
  func single(
    _ value: JSONValue, _ field: Google_Protobuf_FieldDescriptorProto, number: Int, path: String, depth: Int,
    into out: inout WireWriter
  ) throws(Failure) {
    switch field.type {
    case .message, .group:
      guard let schema = registry.message(field.typeName) else {
        throw Failure(path: path, reason: "no schema for \(DescriptorRegistry.trimDot(field.typeName))")
      }
      var inner = WireWriter()
      try message(value, schema, path: path, depth: depth + 1, into: &inner)
      out.tag(number, wireType: 2)
      out.lengthDelimited(inner.bytes)
    case .string:
      guard case .string(let text) = value else {
        throw Failure(path: path, reason: "expected a string, got \(Self.kind(value))")
      }
      out.tag(number, wireType: 2)
      out.lengthDelimited(Array(text.utf8))
    case .bytes:
      guard case .string(let text) = value, let data = Self.base64(text) else {
        throw Failure(path: path, reason: "expected base64 bytes in a string, got \(Self.kind(value))")
      }
      out.tag(number, wireType: 2)
      out.lengthDelimited(Array(data))
    case .enum:
      let number32 = try enumNumber(value, field, path: path)
      out.tag(number, wireType: 0)
      out.varint(UInt64(bitPattern: Int64(number32)))
    default:
      try ScalarJSON.write(value, type: field.type, number: number, path: path, into: &out)
    }
  }

  private func enumNumber(_ value: JSONValue, _ field: Google_Protobuf_FieldDescriptorProto, path: String)
    throws(Failure) -> Int32
  {
    let enumSchema = registry.enumType(field.typeName)
    switch value {
    case .string(let name):
      if let number = enumSchema?.numbersByName[name] { return number }
      let names = enumSchema?.descriptor.value.map(\.name) ?? []
      throw Failure(
        path: path,
        reason: "\"\(name)\" is not a value of \(DescriptorRegistry.trimDot(field.typeName)); values: "
          + names.joined(separator: ", "))
    case .number(let text):
      guard let number = Int32(text) else { throw Failure(path: path, reason: "\(text) is not an enum number") }
      return number
    default:
      throw Failure(path: path, reason: "expected an enum name in a string, got \(Self.kind(value))")
    }
  }

  static func base64(_ text: String) -> Data? {
    var normal = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while normal.count % 4 != 0 { normal += "=" }
    return Data(base64Encoded: normal)
  }

  static func join(_ path: String, _ name: String) -> String { path.isEmpty ? name : path + "." + name }

  static func kind(_ value: JSONValue) -> String {
    switch value {
    case .null: return "null"
    case .bool(let v): return v ? "true" : "false"
    case .number(let text): return text
    case .string(let text): return "\"\(text.count > 40 ? String(text.prefix(40)) + "…" : text)\""
    case .array: return "an array"
    case .object: return "an object"
    }
  }
}
