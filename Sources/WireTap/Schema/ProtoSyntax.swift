import SwiftProtobuf

/// Descriptors written back as .proto text for `describe`: a service, a method (with its
/// request and response messages), a message (nested types included) or an enum.
public enum ProtoSyntax {
  /// Why `describe` found nothing.
  public struct NotFound: Error, Sendable, Equatable, CustomStringConvertible {
    /// The name asked for.
    public var name: String
    /// Close names.
    public var near: [String]
    /// `nothing named "X"; near names: …`.
    public var description: String {
      "nothing named \"\(name)\" (a service, method, message or enum)"
        + (near.isEmpty ? "" : "; near names: " + near.joined(separator: ", "))
    }
  }

  /// The lines describing `name`: a service, method, message or enum (full or unique short name).
  public static func describe(_ name: String, in registry: DescriptorRegistry) throws(NotFound) -> [String] {
    let trimmed = DescriptorRegistry.trimDot(name.trimmingCharacters(in: .whitespaces))
    if let found = registry.services[trimmed] ?? unique(trimmed, in: registry.services) {
      return service(found)
    }
    if let message = registry.messages[trimmed] ?? unique(trimmed, in: registry.messages) {
      return ["// \(message.fullName) from \(message.source), \(message.file)"]
        + self.message(message.descriptor, registry, indent: "")
    }
    if let enumType = registry.enums[trimmed] ?? unique(trimmed, in: registry.enums) {
      return ["// \(enumType.fullName) from \(enumType.source)"] + self.enumLines(enumType.descriptor, indent: "")
    }
    if let method = try? MethodResolver.resolve(trimmed, in: registry.methods) {
      var lines = ["// \(method.path) from \(method.source)", rpc(method)]
      for type in [method.inputType, method.outputType] {
        guard let schema = registry.message(type) else {
          lines += ["", "// \(type): no schema"]
          continue
        }
        lines += [""] + ["// \(schema.fullName)"] + message(schema.descriptor, registry, indent: "")
        if method.inputType == method.outputType { break }
      }
      return lines
    }
    let candidates =
      Array(registry.services.keys) + Array(registry.messages.keys) + Array(registry.enums.keys)
      + registry.methods.map(\.path)
    throw NotFound(name: trimmed, near: NearNames.closest(to: trimmed, in: candidates, limit: 5))
  }

  private static func unique<Value>(_ short: String, in table: [String: Value]) -> Value? {
    let matches = table.filter { $0.key.hasSuffix("." + short) }
    return matches.count == 1 ? matches.first?.value : nil
  }

  /// `rpc Get(proto.GetRequest) returns (stream proto.GetResponse);`
  public static func rpc(_ method: MethodSchema) -> String {
    "rpc \(method.name)(\(method.clientStreaming ? "stream " : "")\(method.inputType)) returns ("
      + "\(method.serverStreaming ? "stream " : "")\(method.outputType));"
  }

  private static func service(_ service: ServiceSchema) -> [String] {
    ["// \(service.fullName) from \(service.source), \(service.file)", "service \(service.descriptor.name) {"]
      + service.methods.map { "  " + rpc($0) } + ["}"]
  }

  /// A message's fields in declaration order, its oneofs grouped, nested types after.
  static func message(_ descriptor: Google_Protobuf_DescriptorProto, _ registry: DescriptorRegistry, indent: String)
    -> [String]
  {
    var lines = ["\(indent)message \(descriptor.name) {"]
    var doneOneofs: Set<Int32> = []
    for field in descriptor.field {
      if field.hasOneofIndex, !field.proto3Optional, Int(field.oneofIndex) < descriptor.oneofDecl.count {
        guard doneOneofs.insert(field.oneofIndex).inserted else { continue }
        lines.append("\(indent)  oneof \(descriptor.oneofDecl[Int(field.oneofIndex)].name) {")
        for member in descriptor.field where member.hasOneofIndex && member.oneofIndex == field.oneofIndex {
          lines.append("\(indent)    \(fieldLine(member, registry))")
        }
        lines.append("\(indent)  }")
        continue
      }
      lines.append("\(indent)  \(fieldLine(field, registry))")
    }
    for nested in descriptor.nestedType where !nested.options.mapEntry {
      lines += message(nested, registry, indent: indent + "  ")
    }
    for nested in descriptor.enumType {
      lines += enumLines(nested, indent: indent + "  ")
    }
    lines.append("\(indent)}")
    return lines
  }

  private static func enumLines(_ descriptor: Google_Protobuf_EnumDescriptorProto, indent: String) -> [String] {
    ["\(indent)enum \(descriptor.name) {"] + descriptor.value.map { "\(indent)  \($0.name) = \($0.number);" }
      + ["\(indent)}"]
  }

  /// `repeated string names = 3;`, `map<string, int32> counts = 1;`, `optional int32 x = 2;`.
  static func fieldLine(_ field: Google_Protobuf_FieldDescriptorProto, _ registry: DescriptorRegistry) -> String {
    var type = typeName(field)
    var label = ""
    if let entry = registry.message(field.typeName), entry.isMapEntry,
      let key = entry.fieldsByNumber[1], let value = entry.fieldsByNumber[2]
    {
      type = "map<\(typeName(key)), \(typeName(value))>"
    } else if field.label == .repeated {
      label = "repeated "
    } else if field.proto3Optional || field.label == .required {
      label = field.label == .required ? "required " : "optional "
    }
    var options: [String] = []
    if field.hasJsonName, field.jsonName != DynamicDecoder.jsonName(withoutOverride: field) {
      options.append("json_name = \"\(field.jsonName)\"")
    }
    let suffix = options.isEmpty ? "" : " [\(options.joined(separator: ", "))]"
    return "\(label)\(type) \(field.name) = \(field.number)\(suffix);"
  }

  private static func typeName(_ field: Google_Protobuf_FieldDescriptorProto) -> String {
    switch field.type {
    case .message, .enum, .group: return DescriptorRegistry.trimDot(field.typeName)
    case .double: return "double"
    case .float: return "float"
    case .int64: return "int64"
    case .uint64: return "uint64"
    case .int32: return "int32"
    case .fixed64: return "fixed64"
    case .fixed32: return "fixed32"
    case .bool: return "bool"
    case .string: return "string"
    case .bytes: return "bytes"
    case .uint32: return "uint32"
    case .sfixed32: return "sfixed32"
    case .sfixed64: return "sfixed64"
    case .sint32: return "sint32"
    case .sint64: return "sint64"
    }
  }

  /// The request message's fields on one line for the console hint: `key: string, value: bytes`.
  public static func fieldsHint(of type: String, in registry: DescriptorRegistry) -> String {
    guard let schema = registry.message(type) else { return "\(type): no schema" }
    let fields = schema.descriptor.field.map { field -> String in
      let line = fieldLine(field, registry)
      let type = line.components(separatedBy: " \(field.name) = ").first ?? ""
      return "\(DynamicDecoder.jsonName(field)): \(type)"
    }
    return "\(MessageRendering.shortName(schema.fullName)) {\(fields.joined(separator: ", "))}"
  }
}
