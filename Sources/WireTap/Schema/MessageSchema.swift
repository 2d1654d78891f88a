import SwiftProtobuf

/// One message type of a `DescriptorRegistry`: its descriptor with the fields indexed by number.
public struct MessageSchema: Sendable {
  /// Full name without the leading dot, e.g. `shop.v1.Order`.
  public var fullName: String
  /// The descriptor as protoc (or reflection) gave it.
  public var descriptor: Google_Protobuf_DescriptorProto
  /// The .proto file that declares it.
  public var file: String
  /// Where it came from.
  public var source: SchemaSource
  /// Whether the file is proto3 (fields without presence are not written when default).
  public var isProto3: Bool
  /// Fields by number.
  public let fieldsByNumber: [Int32: Google_Protobuf_FieldDescriptorProto]

  /// Makes a schema entry.
  public init(
    fullName: String, descriptor: Google_Protobuf_DescriptorProto, file: String, source: SchemaSource,
    isProto3: Bool
  ) {
    self.fullName = fullName
    self.descriptor = descriptor
    self.file = file
    self.source = source
    self.isProto3 = isProto3
    var byNumber: [Int32: Google_Protobuf_FieldDescriptorProto] = [:]
    for field in descriptor.field where byNumber[field.number] == nil { byNumber[field.number] = field }
    fieldsByNumber = byNumber
  }

  /// Whether this is a synthesized map entry type (`map<K, V>`).
  public var isMapEntry: Bool { descriptor.options.mapEntry }

  /// The oneof a field belongs to (not counting proto3 `optional`'s synthetic oneofs).
  public func oneofName(of field: Google_Protobuf_FieldDescriptorProto) -> String? {
    guard field.hasOneofIndex, !field.proto3Optional, Int(field.oneofIndex) < descriptor.oneofDecl.count else {
      return nil
    }
    return descriptor.oneofDecl[Int(field.oneofIndex)].name
  }
}

/// One enum type of a `DescriptorRegistry`.
public struct EnumSchema: Sendable {
  /// Full name without the leading dot.
  public var fullName: String
  /// The descriptor.
  public var descriptor: Google_Protobuf_EnumDescriptorProto
  /// Where it came from.
  public var source: SchemaSource
  /// Value names by number (the first name for aliases).
  public let namesByNumber: [Int32: String]
  /// Numbers by value name.
  public let numbersByName: [String: Int32]

  /// Makes a schema entry.
  public init(fullName: String, descriptor: Google_Protobuf_EnumDescriptorProto, source: SchemaSource) {
    self.fullName = fullName
    self.descriptor = descriptor
    self.source = source
    var names: [Int32: String] = [:]
    var numbers: [String: Int32] = [:]
    for value in descriptor.value {
      if names[value.number] == nil { names[value.number] = value.name }
      numbers[value.name] = value.number
    }
    namesByNumber = names
    numbersByName = numbers
  }
}

/// One service of a `DescriptorRegistry`.
public struct ServiceSchema: Sendable {
  /// Full name without the leading dot, e.g. `shop.v1.Shop`.
  public var fullName: String
  /// The descriptor.
  public var descriptor: Google_Protobuf_ServiceDescriptorProto
  /// The .proto file that declares it.
  public var file: String
  /// Where it came from.
  public var source: SchemaSource

  /// The methods, in declaration order.
  public var methods: [MethodSchema] {
    descriptor.method.map { MethodSchema(service: fullName, descriptor: $0, source: source) }
  }
}

/// One method of a service.
public struct MethodSchema: Sendable, Hashable {
  /// The service's full name.
  public var service: String
  /// The method's name.
  public var name: String
  /// Full name of the request message (no leading dot).
  public var inputType: String
  /// Full name of the response message (no leading dot).
  public var outputType: String
  /// Whether the client sends a stream.
  public var clientStreaming: Bool
  /// Whether the server sends a stream.
  public var serverStreaming: Bool
  /// Where the service came from.
  public var source: SchemaSource

  /// Makes a method entry from its descriptor.
  public init(service: String, descriptor: Google_Protobuf_MethodDescriptorProto, source: SchemaSource) {
    self.service = service
    self.name = descriptor.name
    self.inputType = DescriptorRegistry.trimDot(descriptor.inputType)
    self.outputType = DescriptorRegistry.trimDot(descriptor.outputType)
    self.clientStreaming = descriptor.clientStreaming
    self.serverStreaming = descriptor.serverStreaming
    self.source = source
  }

  /// Makes a method entry from its parts.
  public init(
    service: String, name: String, inputType: String, outputType: String, clientStreaming: Bool,
    serverStreaming: Bool, source: SchemaSource
  ) {
    self.service = service
    self.name = name
    self.inputType = inputType
    self.outputType = outputType
    self.clientStreaming = clientStreaming
    self.serverStreaming = serverStreaming
    self.source = source
  }

  /// The gRPC path, `/pkg.Service/Method`.
  public var path: String { "/\(service)/\(name)" }

  /// `unary`, `server streaming`, `client streaming` or `bidirectional streaming`.
  public var kind: String {
    switch (clientStreaming, serverStreaming) {
    case (false, false): return "unary"
    case (false, true): return "server streaming"
    case (true, false): return "client streaming"
    case (true, true): return "bidirectional streaming"
    }
  }
}
