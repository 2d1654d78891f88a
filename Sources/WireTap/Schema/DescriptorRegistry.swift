import SwiftProtobuf

/// Every message, enum and service known from descriptors (protoc output, protosets,
/// reflection), merged so that the first source to declare a symbol wins.
public struct DescriptorRegistry: Sendable {
  /// Messages by full name (no leading dot).
  public private(set) var messages: [String: MessageSchema] = [:]
  /// Enums by full name.
  public private(set) var enums: [String: EnumSchema] = [:]
  /// Services by full name.
  public private(set) var services: [String: ServiceSchema] = [:]
  /// Files added, by name, with their source (the first file of a name wins).
  public private(set) var files: [String: SchemaSource] = [:]
  /// The file descriptors added, in order (for dependency checks and `describe`).
  public private(set) var fileDescriptors: [String: Google_Protobuf_FileDescriptorProto] = [:]

  /// An empty registry.
  public init() {}

  /// A registry holding `set`'s files from `source`.
  public init(_ set: Google_Protobuf_FileDescriptorSet, source: SchemaSource) {
    add(set.file, source: source)
  }

  /// `.pkg.Name` → `pkg.Name`.
  public static func trimDot(_ name: String) -> String {
    name.hasPrefix(".") ? String(name.dropFirst()) : name
  }

  /// Adds files; symbols already present (from an earlier source) are kept.
  public mutating func add(_ newFiles: [Google_Protobuf_FileDescriptorProto], source: SchemaSource) {
    for file in newFiles where files[file.name] == nil {
      files[file.name] = source
      fileDescriptors[file.name] = file
      let prefix = file.package.isEmpty ? "" : file.package + "."
      let proto3 = file.syntax == "proto3"
      for message in file.messageType {
        addMessage(message, prefix: prefix, file: file.name, source: source, proto3: proto3)
      }
      for enumType in file.enumType {
        addEnum(enumType, prefix: prefix, source: source)
      }
      for service in file.service where services[prefix + service.name] == nil {
        services[prefix + service.name] = ServiceSchema(
          fullName: prefix + service.name, descriptor: service, file: file.name, source: source)
      }
    }
  }

  /// Adds every file of `other` (after this registry's own, which win).
  public mutating func merge(_ other: DescriptorRegistry) {
    for name in other.fileDescriptors.keys.sorted() {
      if let file = other.fileDescriptors[name], let source = other.files[name] {
        add([file], source: source)
      }
    }
  }

  private mutating func addMessage(
    _ message: Google_Protobuf_DescriptorProto, prefix: String, file: String, source: SchemaSource, proto3: Bool
  ) {
    let name = prefix + message.name
    if messages[name] == nil {
      messages[name] = MessageSchema(
        fullName: name, descriptor: message, file: file, source: source, isProto3: proto3)
    }
    for nested in message.nestedType {
      addMessage(nested, prefix: name + ".", file: file, source: source, proto3: proto3)
    }
    for enumType in message.enumType {
      addEnum(enumType, prefix: name + ".", source: source)
    }
  }

  private mutating func addEnum(_ enumType: Google_Protobuf_EnumDescriptorProto, prefix: String, source: SchemaSource) {
    let name = prefix + enumType.name
    if enums[name] == nil { enums[name] = EnumSchema(fullName: name, descriptor: enumType, source: source) }
  }

  /// The message named `name` (a leading dot is ignored).
  public func message(_ name: String) -> MessageSchema? { messages[Self.trimDot(name)] }

  /// The enum named `name` (a leading dot is ignored).
  public func enumType(_ name: String) -> EnumSchema? { enums[Self.trimDot(name)] }

  /// Every method of every service, sorted by path.
  public var methods: [MethodSchema] {
    services.values.flatMap(\.methods).sorted { $0.path < $1.path }
  }

  /// The method at a gRPC path (`/pkg.Service/Method`).
  public func method(path: String) -> MethodSchema? {
    let parts = path.split(separator: "/", omittingEmptySubsequences: true)
    guard parts.count == 2, let service = services[String(parts[0])] else { return nil }
    return service.methods.first { $0.name == parts[1] }
  }

  /// The message type (request or response) of the method at `path`, when that type is known.
  public func messageType(path: String, isRequest: Bool) -> MessageSchema? {
    guard let method = method(path: path) else { return nil }
    return message(isRequest ? method.inputType : method.outputType)
  }

  /// Types used by `service` (directly or through fields) that no added file declares.
  public func missingTypes(ofService service: String) -> [String] {
    guard let schema = services[service] else { return [service] }
    var missing: Set<String> = []
    var seen: Set<String> = []
    var pending = schema.methods.flatMap { [$0.inputType, $0.outputType] }
    while let name = pending.popLast() {
      guard seen.insert(name).inserted else { continue }
      guard let message = messages[name] else {
        missing.insert(name)
        continue
      }
      for field in message.descriptor.field where !field.typeName.isEmpty {
        let typeName = Self.trimDot(field.typeName)
        if field.type == .enum {
          if enums[typeName] == nil { missing.insert(typeName) }
        } else {
          pending.append(typeName)
        }
      }
    }
    return missing.sorted()
  }
}
