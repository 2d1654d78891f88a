import SwiftProtobuf

/// Decodes gRPC message bytes for display: by descriptor when a schema describes the method,
/// else with the registered (generated) type, else schemaless like `protoc --decode_raw`.
///
/// Never throws and never traps: undecodable bytes become a record that says so.
public struct MessageDecoder: Sendable {
  /// Method path → message types.
  public var registry: MessageRegistry

  /// Descriptors (from --proto, --protoset, plugin.json, reflection), consulted first.
  public var schemas: SchemaStore?

  /// Makes a decoder over a registry and, optionally, descriptors.
  public init(registry: MessageRegistry = MessageRegistry(), schemas: SchemaStore? = nil) {
    self.registry = registry
    self.schemas = schemas
  }

  /// Decodes one message of the method at `path` (nil when the stream's path is unknown).
  public func decode(_ bytes: [UInt8], path: String?, isRequest: Bool, compressed: Bool = false) -> DecodedMessageRecord
  {
    if compressed {
      return DecodedMessageRecord(
        typeName: path.flatMap {
          schemas?.registry.messageType(path: $0, isRequest: isRequest)?.fullName
            ?? registry.messageType(for: $0, isRequest: isRequest)?.protoMessageName
        },
        isRequest: isRequest,
        summary: "compressed message (\(bytes.count) bytes)",
        tree: ProtoTreeNode(
          label: "compressed message",
          value: TextPreview.bytes(
            bytes.prefix(RenderLimits.storedBytesPrefix), totalCount: bytes.count, maxCharacters: 64, maxHexBytes: 32)),
        byteCount: bytes.count, compressed: true, schemaless: true,
        note: "the gRPC compressed flag is set; the tap does not decompress (see the stream's grpc-encoding header)")
    }
    var note: String?
    if let path, let schemas, let described = Self.decodeDescribed(bytes, path: path, isRequest: isRequest, schemas) {
      switch described {
      case .success(let record): return record
      case .failure(let failure): note = failure.message
      }
    }
    if note == nil, let path, let type = registry.messageType(for: path, isRequest: isRequest) {
      switch decode(bytes, as: type, isRequest: isRequest) {
      case .success(let record): return record
      case .failure(let error): note = "does not decode as \(type.protoMessageName) (\(error)); shown schemaless"
      }
    }
    var record = decodeSchemaless(bytes, isRequest: isRequest)
    if let note { record.note = note }
    return record
  }

  /// Decodes `bytes` as `type`; fails with SwiftProtobuf's error when they do not parse.
  public func decode(_ bytes: [UInt8], as type: any Message.Type, isRequest: Bool) -> Result<
    DecodedMessageRecord, any Error
  > {
    Self.decodeTyped(bytes, as: type, isRequest: isRequest)
  }

  private static func decodeTyped<M: Message>(_ bytes: [UInt8], as type: M.Type, isRequest: Bool) -> Result<
    DecodedMessageRecord, any Error
  > {
    let message: M
    do {
      message = try M(serializedBytes: bytes, partial: true)
    } catch {
      return .failure(error)
    }
    let rendered = RenderingVisitor<M>.render(message, depth: 0, budget: RenderBudget())
    return .success(
      DecodedMessageRecord(
        typeName: M.protoMessageName, isRequest: isRequest,
        summary: MessageRendering.summary(rendered),
        tree: MessageRendering.tree(rendered, rootValue: "\(bytes.count) bytes"),
        byteCount: bytes.count, schemaless: false))
  }

  /// Decodes `bytes` by the descriptor of the method at `path`; nil when no schema describes it.
  private static func decodeDescribed(_ bytes: [UInt8], path: String, isRequest: Bool, _ schemas: SchemaStore)
    -> Result<DecodedMessageRecord, DescribedDecodeFailure>?
  {
    let registry = schemas.registry
    guard let schema = registry.messageType(path: path, isRequest: isRequest) else { return nil }
    guard let message = DynamicDecoder.decode(bytes, as: schema, registry: registry) else {
      return .failure(DescribedDecodeFailure("does not decode as \(schema.fullName); shown schemaless"))
    }
    let rendered = DynamicRendering.rendered(message)
    return .success(
      DecodedMessageRecord(
        typeName: schema.fullName, isRequest: isRequest, summary: MessageRendering.summary(rendered),
        tree: MessageRendering.tree(rendered, rootValue: "\(bytes.count) bytes"), byteCount: bytes.count,
        schemaless: false))
  }

  /// Why described bytes were shown schemaless.
  private struct DescribedDecodeFailure: Error {
    var message: String
    init(_ message: String) { self.message = message }
  }

  /// Decodes `bytes` without a schema (field numbers, wire types).
  public func decodeSchemaless(_ bytes: [UInt8], isRequest: Bool) -> DecodedMessageRecord {
    if let rendered = RawProtoDecoder.decode(bytes) {
      return DecodedMessageRecord(
        typeName: nil, isRequest: isRequest,
        summary: MessageRendering.summary(rendered),
        tree: MessageRendering.tree(rendered, rootValue: "\(bytes.count) bytes, schemaless"),
        byteCount: bytes.count, schemaless: true)
    }
    let preview = TextPreview.bytes(
      bytes.prefix(RenderLimits.storedBytesPrefix), totalCount: bytes.count,
      maxCharacters: RenderLimits.summaryBytesCharacters, maxHexBytes: RenderLimits.summaryHexBytes)
    return DecodedMessageRecord(
      typeName: nil, isRequest: isRequest,
      summary: "not protobuf: \(preview)",
      tree: ProtoTreeNode(
        label: "bytes",
        value: TextPreview.bytes(
          bytes.prefix(RenderLimits.storedBytesPrefix), totalCount: bytes.count,
          maxCharacters: RenderLimits.treeBytesCharacters, maxHexBytes: RenderLimits.treeHexBytes)),
      byteCount: bytes.count, schemaless: true,
      note: "the bytes are not valid protobuf wire format")
  }
}
