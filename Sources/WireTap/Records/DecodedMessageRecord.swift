/// One gRPC message found in a DATA frame, decoded for display.
///
/// The decoder records small messages without decoding them (`MessageDecoder.deferred`): the
/// summary, tree, type name and note are worked out the first time one of them is read, and
/// kept. Most frames of a long session are never looked at, so they cost the bytes of their
/// message instead of a rendered tree (#14 item 3).
public struct DecodedMessageRecord: Sendable, Hashable, Codable {
  /// What decoding the message produced.
  public struct Content: Sendable, Hashable {
    /// Full protobuf type name (`proto.PutRequest`); nil when decoded schemaless or not at all.
    public var typeName: String?
    /// One line for a list, e.g. `PutRequest {key: "a", value: 5 bytes "hello"}`.
    public var summary: String
    /// The fields as a tree for an inspector.
    public var tree: ProtoTreeNode
    /// Whether it was decoded without a schema (field numbers instead of names).
    public var schemaless: Bool
    /// Why the schema was not used, or other remarks; nil when there is nothing to say.
    public var note: String?
  }

  private enum Storage: Sendable {
    indirect case decoded(Content)
    case deferred(DeferredMessageDecode)
  }

  /// Whether the host sent it (request) rather than the plugin (response).
  public var isRequest: Bool
  /// Size of the message in bytes (without the 5-byte gRPC prefix).
  public var byteCount: Int
  /// Whether the gRPC compressed flag was set (gzip and deflate are decompressed before decoding; `note` says so).
  public var compressed: Bool
  private var storage: Storage

  /// Makes a decoded record.
  public init(
    typeName: String?, isRequest: Bool, summary: String, tree: ProtoTreeNode, byteCount: Int,
    compressed: Bool = false, schemaless: Bool, note: String? = nil
  ) {
    self.isRequest = isRequest
    self.byteCount = byteCount
    self.compressed = compressed
    storage = .decoded(
      Content(typeName: typeName, summary: summary, tree: tree, schemaless: schemaless, note: note))
  }

  /// A record whose content `deferred` works out when it is first read.
  init(deferred: DeferredMessageDecode, isRequest: Bool, byteCount: Int, compressed: Bool) {
    self.isRequest = isRequest
    self.byteCount = byteCount
    self.compressed = compressed
    storage = .deferred(deferred)
  }

  /// The decoded content (decoding now, once, if it was deferred).
  public var content: Content {
    switch storage {
    case .decoded(let content): content
    case .deferred(let deferred): deferred.content
    }
  }

  /// Whether the content has not been decoded yet.
  public var isDeferred: Bool {
    if case .deferred(let deferred) = storage { return !deferred.isDecoded }
    return false
  }

  private mutating func update(_ change: (inout Content) -> Void) {
    var value = content
    change(&value)
    storage = .decoded(value)
  }

  /// Full protobuf type name (`proto.PutRequest`); nil when decoded schemaless or not at all.
  public var typeName: String? {
    get { content.typeName }
    set { update { $0.typeName = newValue } }
  }
  /// One line for a list, e.g. `PutRequest {key: "a", value: 5 bytes "hello"}`.
  public var summary: String {
    get { content.summary }
    set { update { $0.summary = newValue } }
  }
  /// The fields as a tree for an inspector.
  public var tree: ProtoTreeNode {
    get { content.tree }
    set { update { $0.tree = newValue } }
  }
  /// Whether it was decoded without a schema (field numbers instead of names).
  public var schemaless: Bool {
    get { content.schemaless }
    set { update { $0.schemaless = newValue } }
  }
  /// Why the schema was not used, or other remarks; nil when there is nothing to say.
  public var note: String? {
    get { content.note }
    set { update { $0.note = newValue } }
  }

  // MARK: Equatable, Hashable (by what the record says, decoded or not)

  public static func == (lhs: Self, rhs: Self) -> Bool {
    lhs.isRequest == rhs.isRequest && lhs.byteCount == rhs.byteCount && lhs.compressed == rhs.compressed
      && lhs.content == rhs.content
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(isRequest)
    hasher.combine(byteCount)
    hasher.combine(compressed)
    hasher.combine(content)
  }

  // MARK: Codable (the same keys as when every field was stored)

  private enum CodingKeys: String, CodingKey {
    case typeName, isRequest, summary, tree, byteCount, compressed, schemaless, note
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      typeName: try container.decodeIfPresent(String.self, forKey: .typeName),
      isRequest: try container.decode(Bool.self, forKey: .isRequest),
      summary: try container.decode(String.self, forKey: .summary),
      tree: try container.decode(ProtoTreeNode.self, forKey: .tree),
      byteCount: try container.decode(Int.self, forKey: .byteCount),
      compressed: try container.decode(Bool.self, forKey: .compressed),
      schemaless: try container.decode(Bool.self, forKey: .schemaless),
      note: try container.decodeIfPresent(String.self, forKey: .note))
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    let content = content
    try container.encodeIfPresent(content.typeName, forKey: .typeName)
    try container.encode(isRequest, forKey: .isRequest)
    try container.encode(content.summary, forKey: .summary)
    try container.encode(content.tree, forKey: .tree)
    try container.encode(byteCount, forKey: .byteCount)
    try container.encode(compressed, forKey: .compressed)
    try container.encode(content.schemaless, forKey: .schemaless)
    try container.encodeIfPresent(content.note, forKey: .note)
  }
}
