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

  /// Messages up to this many bytes are recorded undecoded by `deferred` (decoded when first
  /// read); larger ones are decoded at once, so a held record never keeps more than this of a
  /// message's bytes (the rendered tree of a large message is bounded by `RenderLimits`).
  public static let deferredByteLimit = 2048

  /// A record of one message as `decode(_:path:isRequest:compressed:payloadNote:)` would make
  /// it, whose decoding waits until its summary or tree is first read when the message is at
  /// most `deferredByteLimit` bytes.
  /// `sharing`, when given, holds the same bytes as `bytes` (a slice of the frame's payload
  /// copy): the record keeps it instead of a second copy.
  public func deferred(
    _ bytes: [UInt8], sharing: ArraySlice<UInt8>? = nil, path: String?, isRequest: Bool, compressedFlag: Bool,
    stillCompressed: Bool, payloadNote: String?
  ) -> DecodedMessageRecord {
    guard bytes.count <= Self.deferredByteLimit else {
      var record = decode(
        bytes, path: path, isRequest: isRequest, compressed: stillCompressed, payloadNote: payloadNote)
      record.compressed = compressedFlag
      return record
    }
    let kept = sharing.flatMap { $0.elementsEqual(bytes) ? $0 : nil } ?? bytes[...]
    let deferred = DeferredMessageDecode(
      bytes: kept, path: path, isRequest: isRequest, decoder: self, payloadNote: payloadNote,
      stillCompressed: stillCompressed)
    return DecodedMessageRecord(
      deferred: deferred, isRequest: isRequest, byteCount: bytes.count, compressed: compressedFlag)
  }

  /// `decode(_:path:isRequest:compressed:)` with decompression's note (`payloadNote`) added:
  /// alone when the bytes are still compressed, else before the decoder's own note.
  func decode(_ bytes: [UInt8], path: String?, isRequest: Bool, compressed: Bool, payloadNote: String?)
    -> DecodedMessageRecord
  {
    var record = decode(bytes, path: path, isRequest: isRequest, compressed: compressed)
    if let payloadNote {
      record.note = compressed ? payloadNote : [payloadNote, record.note].compactMap { $0 }.joined(separator: "; ")
    }
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
