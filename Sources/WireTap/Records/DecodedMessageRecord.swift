/// One gRPC message found in a DATA frame, decoded for display.
public struct DecodedMessageRecord: Sendable, Hashable, Codable {
  /// Full protobuf type name (`proto.PutRequest`); nil when decoded schemaless or not at all.
  public var typeName: String?
  /// Whether the host sent it (request) rather than the plugin (response).
  public var isRequest: Bool
  /// One line for a list, e.g. `PutRequest {key: "a", value: 5 bytes "hello"}`.
  public var summary: String
  /// The fields as a tree for an inspector.
  public var tree: ProtoTreeNode
  /// Size of the message in bytes (without the 5-byte gRPC prefix).
  public var byteCount: Int
  /// Whether the gRPC compressed flag was set (gzip and deflate are decompressed before decoding; `note` says so).
  public var compressed: Bool
  /// Whether it was decoded without a schema (field numbers instead of names).
  public var schemaless: Bool
  /// Why the schema was not used, or other remarks; nil when there is nothing to say.
  public var note: String?

  /// Makes a record.
  public init(
    typeName: String?, isRequest: Bool, summary: String, tree: ProtoTreeNode, byteCount: Int,
    compressed: Bool = false, schemaless: Bool, note: String? = nil
  ) {
    self.typeName = typeName
    self.isRequest = isRequest
    self.summary = summary
    self.tree = tree
    self.byteCount = byteCount
    self.compressed = compressed
    self.schemaless = schemaless
    self.note = note
  }
}
