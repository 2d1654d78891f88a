import Foundation
import Traffic

/// What one captured HTTP/2 frame (or the preface, or a decode error) means: the unit the
/// frame log stores, a list row shows and the JSON lines export writes.
public struct FrameRecord: Sendable, Hashable, Codable {
  /// What the record describes.
  public enum Kind: String, Sendable, Hashable, Codable {
    /// A well-formed frame.
    case frame
    /// The 24-byte HTTP/2 client preface.
    case preface
    /// Bytes or a frame that could not be decoded; `decodeError` says why.
    case decodeError
  }

  /// Position in the capture, assigned by `FrameLog.append` (0 until then).
  public var sequence: Int
  /// Connection number, set by the caller (the proxy's connection id).
  public var connection: Int
  /// What the record describes.
  public var kind: Kind
  /// When the bytes completing the frame were seen.
  public var time: Date
  /// Which way the frame travelled.
  public var direction: Direction
  /// HTTP/2 stream id (0 = connection).
  public var streamID: UInt32
  /// Frame type name (`HEADERS`, `UNKNOWN(0x0b)`), `PREFACE`, or `ERROR` for stream-level
  /// decode errors not tied to a frame.
  public var type: String
  /// Names of the set flags (`END_STREAM`, `ACK`, …).
  public var flags: [String]
  /// Payload length from the frame header.
  public var length: Int
  /// The one-line text a list shows, e.g. `HEADERS /proto.KV/Put`; for a DATA frame that
  /// completed messages, made from the first message's summary when first read.
  public var summary: String {
    get { storedSummary ?? Self.messagesSummary(messages) }
    set { storedSummary = newValue }
  }
  /// The summary set, or nil when it is made from `messages`.
  private var storedSummary: String?
  /// gRPC method path of the stream, when known.
  public var method: String?
  /// The decoded header list, on the frame that completed a header block.
  public var headers: [HeaderField]?
  /// gRPC messages completed by this DATA frame.
  public var messages: [DecodedMessageRecord]
  /// `grpc-status` from trailers.
  public var grpcStatus: Int? {
    get { details.grpcStatus }
    set { details.grpcStatus = newValue }
  }
  /// `grpc-message` from trailers, percent-decoded.
  public var grpcMessage: String? {
    get { details.grpcMessage }
    set { details.grpcMessage = newValue }
  }
  /// RST_STREAM / GOAWAY error code name.
  public var errorCode: String? {
    get { details.errorCode }
    set { details.errorCode = newValue }
  }
  /// SETTINGS parameters.
  public var settings: [SettingValue]? {
    get { details.settings }
    set { details.settings = newValue }
  }
  /// An explanation for people (e.g. why a GOAWAY ENHANCE_YOUR_CALM happened).
  public var note: String? {
    get { details.note }
    set { details.note = newValue }
  }
  /// Why decoding failed (set for `.decodeError`).
  public var decodeError: String? {
    get { details.decodeError }
    set { details.decodeError = newValue }
  }
  /// The fields most frames leave empty, kept out of line so a record of a common frame is small.
  private struct Details: Sendable, Hashable {
    var grpcStatus: Int? = nil
    var grpcMessage: String? = nil
    var errorCode: String? = nil
    var settings: [SettingValue]? = nil
    var note: String? = nil
    var decodeError: String? = nil
  }
  private enum DetailsBox: Sendable {
    case none
    indirect case some(Details)
  }
  private var detailsBox = DetailsBox.none
  private var details: Details {
    get {
      if case .some(let details) = detailsBox { return details }
      return Details()
    }
    set { detailsBox = newValue == Details() ? .none : .some(newValue) }
  }
  /// The first bytes (up to `ConnectionDecoder.payloadPrefixLimit`) of the raw payload.
  public var payloadPrefix: [UInt8]
  /// Whether the payload was longer than `payloadPrefix`.
  public var payloadTruncated: Bool

  /// Makes a record; most fields default to empty.
  public init(
    sequence: Int = 0, connection: Int = 0, kind: Kind = .frame, time: Date, direction: Direction,
    streamID: UInt32 = 0, type: String, flags: [String] = [], length: Int = 0, summary: String,
    method: String? = nil, headers: [HeaderField]? = nil, messages: [DecodedMessageRecord] = [],
    grpcStatus: Int? = nil, grpcMessage: String? = nil, errorCode: String? = nil,
    settings: [SettingValue]? = nil, note: String? = nil, decodeError: String? = nil,
    payloadPrefix: [UInt8] = [], payloadTruncated: Bool = false
  ) {
    self.sequence = sequence
    self.connection = connection
    self.kind = kind
    self.time = time
    self.direction = direction
    self.streamID = streamID
    self.type = type
    self.flags = flags
    self.length = length
    self.storedSummary = summary
    self.method = method
    self.headers = headers
    self.messages = messages
    self.payloadPrefix = payloadPrefix
    self.payloadTruncated = payloadTruncated
    self.details = Details(
      grpcStatus: grpcStatus, grpcMessage: grpcMessage, errorCode: errorCode, settings: settings, note: note,
      decodeError: decodeError)
  }

  /// Shares the stored summary's text with earlier records that had the same (see `StringInterner`).
  mutating func internSummary(_ interner: inout StringInterner) {
    if let storedSummary { self.storedSummary = interner(storedSummary) }
  }

  /// Makes `summary` follow the messages: `DATA` and the first message's summary, worked out
  /// when first read (messages decode lazily, see `DecodedMessageRecord`).
  mutating func summarizeMessages() { storedSummary = nil }

  /// About how many bytes the record holds, worked out without decoding its messages.
  public var approximateByteCount: Int {
    let text = storedSummary?.utf8.count ?? 0
    return MemoryLayout<FrameRecord>.stride + payloadPrefix.count + text
      + messages.reduce(0) { $0 + 128 + $1.byteCount } + (headers?.count ?? 0) * 64
  }

  /// `DATA PutRequest {…}`, with `(+N more)` when the frame completed more than one message.
  static func messagesSummary(_ messages: [DecodedMessageRecord]) -> String {
    guard let first = messages.first else { return "DATA" }
    let more = messages.count > 1 ? " (+\(messages.count - 1) more)" : ""
    return "DATA \(first.summary)\(more)"
  }

  // MARK: Equatable, Hashable (by what the record says, whether its summary was made yet or not)

  public static func == (lhs: Self, rhs: Self) -> Bool {
    lhs.sequence == rhs.sequence && lhs.connection == rhs.connection && lhs.kind == rhs.kind
      && lhs.time == rhs.time && lhs.direction == rhs.direction && lhs.streamID == rhs.streamID
      && lhs.type == rhs.type && lhs.flags == rhs.flags && lhs.length == rhs.length && lhs.method == rhs.method
      && lhs.headers == rhs.headers && lhs.messages == rhs.messages && lhs.details == rhs.details
      && lhs.payloadPrefix == rhs.payloadPrefix && lhs.payloadTruncated == rhs.payloadTruncated
      && lhs.summary == rhs.summary
  }

  public func hash(into hasher: inout Hasher) {
    hasher.combine(sequence)
    hasher.combine(connection)
    hasher.combine(kind)
    hasher.combine(time)
    hasher.combine(direction)
    hasher.combine(streamID)
    hasher.combine(type)
    hasher.combine(length)
    hasher.combine(summary)
    hasher.combine(messages)
  }

  // MARK: Codable (stable, readable JSON: ISO 8601 time, hex payload, empty fields left out)

  private enum CodingKeys: String, CodingKey {
    case sequence, connection, kind, time, direction
    case streamID = "stream"
    case type, flags, length,
      summary, method, headers, messages, grpcStatus, grpcMessage, errorCode, settings, note,
      decodeError, payloadHex, payloadTruncated
  }

  /// Decodes a record written by `encode(to:)`.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    sequence = try container.decode(Int.self, forKey: .sequence)
    connection = try container.decode(Int.self, forKey: .connection)
    kind = try container.decode(Kind.self, forKey: .kind)
    let timeText = try container.decode(String.self, forKey: .time)
    guard let parsed = Self.parseTime(timeText) else {
      throw DecodingError.dataCorruptedError(
        forKey: .time, in: container,
        debugDescription: "time \"\(timeText)\" is not ISO 8601 (e.g. 2026-11-27T17:53:00.123Z)")
    }
    time = parsed
    direction = try container.decode(Direction.self, forKey: .direction)
    streamID = try container.decode(UInt32.self, forKey: .streamID)
    type = try container.decode(String.self, forKey: .type)
    flags = try container.decodeIfPresent([String].self, forKey: .flags) ?? []
    length = try container.decode(Int.self, forKey: .length)
    storedSummary = try container.decode(String.self, forKey: .summary)
    method = try container.decodeIfPresent(String.self, forKey: .method)
    headers = try container.decodeIfPresent([HeaderField].self, forKey: .headers)
    messages = try container.decodeIfPresent([DecodedMessageRecord].self, forKey: .messages) ?? []
    let hex = try container.decodeIfPresent(String.self, forKey: .payloadHex) ?? ""
    guard let bytes = Hex.decode(hex) else {
      throw DecodingError.dataCorruptedError(
        forKey: .payloadHex, in: container, debugDescription: "payloadHex is not hex")
    }
    payloadPrefix = bytes
    payloadTruncated = try container.decodeIfPresent(Bool.self, forKey: .payloadTruncated) ?? false
    grpcStatus = try container.decodeIfPresent(Int.self, forKey: .grpcStatus)
    grpcMessage = try container.decodeIfPresent(String.self, forKey: .grpcMessage)
    errorCode = try container.decodeIfPresent(String.self, forKey: .errorCode)
    settings = try container.decodeIfPresent([SettingValue].self, forKey: .settings)
    note = try container.decodeIfPresent(String.self, forKey: .note)
    decodeError = try container.decodeIfPresent(String.self, forKey: .decodeError)
  }

  /// Encodes the record; `time` as ISO 8601 UTC with milliseconds, the payload as hex,
  /// nil/empty optional fields left out.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(sequence, forKey: .sequence)
    try container.encode(connection, forKey: .connection)
    try container.encode(kind, forKey: .kind)
    try container.encode(Self.formatTime(time), forKey: .time)
    try container.encode(direction, forKey: .direction)
    try container.encode(streamID, forKey: .streamID)
    try container.encode(type, forKey: .type)
    if !flags.isEmpty { try container.encode(flags, forKey: .flags) }
    try container.encode(length, forKey: .length)
    try container.encode(summary, forKey: .summary)
    try container.encodeIfPresent(method, forKey: .method)
    try container.encodeIfPresent(headers, forKey: .headers)
    if !messages.isEmpty { try container.encode(messages, forKey: .messages) }
    try container.encodeIfPresent(grpcStatus, forKey: .grpcStatus)
    try container.encodeIfPresent(grpcMessage, forKey: .grpcMessage)
    try container.encodeIfPresent(errorCode, forKey: .errorCode)
    try container.encodeIfPresent(settings, forKey: .settings)
    try container.encodeIfPresent(note, forKey: .note)
    try container.encodeIfPresent(decodeError, forKey: .decodeError)
    if !payloadPrefix.isEmpty { try container.encode(Hex.encode(payloadPrefix), forKey: .payloadHex) }
    if payloadTruncated { try container.encode(true, forKey: .payloadTruncated) }
  }

  private static let timeStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

  /// `2026-11-27T17:53:00.123Z`.
  static func formatTime(_ date: Date) -> String { date.formatted(timeStyle) }

  /// Parses ISO 8601 with or without fractional seconds.
  static func parseTime(_ text: String) -> Date? {
    (try? timeStyle.parse(text)) ?? (try? Date.ISO8601FormatStyle().parse(text))
  }

  // MARK: JSON lines

  /// The encoder used for JSON lines: sorted keys (stable output), no escaped slashes.
  public static func makeJSONEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
  }

  /// The record as one line of JSON (no trailing newline): what `makeJSONEncoder()` writes,
  /// written by `jsonBytes()`.
  public func jsonLine() -> String {
    String(decoding: jsonBytes(), as: UTF8.self)
  }

}
