import Foundation
import NIOCore
import NIOHPACK
import Traffic

/// Decodes both directions of one captured gRPC-over-HTTP/2 connection into `FrameRecord`s.
///
/// A state machine fed the relay's byte chunks in the order they were seen. It keeps one
/// frame parser and one HPACK decoder per direction, joins HEADERS + CONTINUATION, remembers
/// each stream's `:path`, reassembles gRPC messages per stream and direction and decodes
/// them through `MessageDecoder`. Malformed input yields `.decodeError` records; it never
/// throws or traps.
///
/// HPACK is stateful, so the tap must see the connection from its first byte; a tap that
/// joins later cannot decode header blocks that refer to the dynamic table.
public struct ConnectionDecoder: Sendable {
  /// Bytes of each frame payload copied into `FrameRecord.payloadPrefix`.
  public static let payloadPrefixLimit = 4096
  /// Header block bytes buffered while waiting for CONTINUATION before giving up.
  static let maxPendingHeaderBlock = 4 << 20
  /// Open streams remembered before the oldest (lowest id) are forgotten.
  static let maxOpenStreams = 10_000
  /// Closed streams whose path is remembered for late frames (WINDOW_UPDATE, RST_STREAM).
  static let maxRecentPaths = 1024

  /// Connection number stamped on every record.
  public let connection: Int
  /// Decodes gRPC messages (holds the method registry).
  public var messageDecoder: MessageDecoder

  var host: DirectionState
  var plugin: DirectionState
  var streams: [UInt32: StreamState] = [:]
  var recentPaths: [UInt32: String] = [:]
  var recentOrder: [UInt32] = []
  /// Streams recently ended by RST_STREAM: who reset them, with which code (`the host (CANCEL)`).
  var recentResets: [UInt32: String] = [:]
  var resetOrder: [UInt32] = []
  /// Shared copies of the texts records repeat.
  var interned = StringInterner()
  /// `HTTP2Frame.flagNames` by frame type and flags, shared by the records.
  private var flagNames: [UInt16: [String]] = [:]

  /// Makes a decoder for a new connection.
  ///
  /// - Parameters:
  ///   - registry: message types per gRPC method path.
  ///   - schemas: descriptors consulted before `registry` (nil: none).
  ///   - connection: number stamped on the records (the proxy's connection id).
  ///   - maxHeaderListSize: HPACK header list limit (generous: a tap should not reject
  ///     what the peers accept).
  public init(
    registry: MessageRegistry = MessageRegistry(), schemas: SchemaStore? = nil, connection: Int = 0,
    maxHeaderListSize: Int = 1 << 20
  ) {
    self.connection = connection
    self.messageDecoder = MessageDecoder(registry: registry, schemas: schemas)
    self.host = DirectionState(direction: .hostToPlugin, maxHeaderListSize: maxHeaderListSize)
    self.plugin = DirectionState(direction: .pluginToHost, maxHeaderListSize: maxHeaderListSize)
  }

  /// Decodes the next chunk of bytes seen travelling in `direction` at `time`; returns a
  /// record per frame (or preface, or error) completed by this chunk.
  public mutating func feed(_ bytes: [UInt8], direction: Direction, at time: Date) -> [FrameRecord] {
    let outputs = withSide(direction) { $0.parser.feed(bytes) }
    var records: [FrameRecord] = []
    records.reserveCapacity(outputs.count)
    for output in outputs {
      var record: FrameRecord
      switch output {
      case .preface:
        record = FrameRecord(
          kind: .preface, time: time, direction: direction, type: "PREFACE",
          length: HTTP2FrameParser.clientPreface.count,
          summary: "PREFACE PRI * HTTP/2.0 (client connection preface)", payloadPrefix: HTTP2FrameParser.clientPreface)
      case .frame(let frame):
        record = decode(frame, direction: direction, at: time)
      case .error(let message):
        record = FrameRecord(
          kind: .decodeError, time: time, direction: direction, type: "ERROR",
          summary: "ERROR \(message)", decodeError: message)
      }
      record.connection = connection
      record.internSummary(&interned)
      records.append(record)
    }
    return records
  }

  /// Runs `body` on the state of `direction`.
  mutating func withSide<R>(_ direction: Direction, _ body: (inout DirectionState) -> R) -> R {
    switch direction {
    case .hostToPlugin: body(&host)
    case .pluginToHost: body(&plugin)
    }
  }

  /// The gRPC path of a stream, open or recently closed.
  func path(of streamID: UInt32) -> String? {
    guard streamID != 0 else { return nil }
    return streams[streamID]?.path ?? recentPaths[streamID]
  }

  /// Decodes one frame into a record.
  mutating func decode(_ frame: HTTP2Frame, direction: Direction, at time: Date) -> FrameRecord {
    var record = FrameRecord(
      time: time, direction: direction, streamID: frame.streamID, type: frame.type.name,
      flags: flagNames(of: frame), length: frame.length, summary: frame.type.name, method: path(of: frame.streamID),
      payloadPrefix: frame.payload.count <= Self.payloadPrefixLimit
        ? frame.payload : Array(frame.payload.prefix(Self.payloadPrefixLimit)),
      payloadTruncated: frame.payload.count > Self.payloadPrefixLimit)

    var sequenceError: String?
    if let pending = withSide(direction, { $0.pendingBlock }),
      frame.type != .continuation || frame.streamID != pending.streamID
    {
      withSide(direction) { $0.pendingBlock = nil }
      sequenceError =
        "expected CONTINUATION of the header block on stream \(pending.streamID) but got \(frame.type.name) on stream \(frame.streamID); that header block is lost and later header blocks in this direction may not decode"
    }

    do throws(HTTP2FrameError) {
      switch frame.type {
      case .data: try decodeData(frame, direction: direction, into: &record)
      case .headers: try decodeHeaders(frame, direction: direction, into: &record)
      case .continuation: try decodeContinuation(frame, direction: direction, into: &record)
      case .pushPromise: try decodePushPromise(frame, direction: direction, into: &record)
      case .settings: try decodeSettings(frame, direction: direction, at: time, into: &record)
      case .ping: try decodePing(frame, direction: direction, at: time, into: &record)
      case .goaway: try decodeGoAway(frame, direction: direction, at: time, into: &record)
      case .rstStream: try decodeRSTStream(frame, into: &record)
      case .windowUpdate: try decodeWindowUpdate(frame, into: &record)
      case .priority: try decodePriority(frame, direction: direction, at: time, into: &record)
      default:
        record.summary = "\(frame.type.name) \(frame.length) bytes (unknown type, ignored)"
      }
    } catch {
      record.kind = .decodeError
      record.decodeError = error.message
      record.summary = "\(frame.type.name) error: \(error.message)"
    }

    if let sequenceError {
      record.kind = .decodeError
      record.decodeError = record.decodeError.map { sequenceError + "; " + $0 } ?? sequenceError
      record.summary = "\(frame.type.name) error: \(sequenceError)"
    }
    return record
  }

  /// The names of `frame`'s flags: one shared array per frame type and flag byte.
  private mutating func flagNames(of frame: HTTP2Frame) -> [String] {
    guard frame.flags != 0 else { return [] }
    let key = UInt16(frame.type.rawValue) << 8 | UInt16(frame.flags)
    if let names = flagNames[key] { return names }
    let names = frame.flagNames
    flagNames[key] = names
    return names
  }

  // MARK: Streams

  /// Updates the state of `streamID` (creating it if needed) and forgets it once closed.
  @discardableResult
  mutating func updateStream<R>(_ streamID: UInt32, _ body: (inout StreamState) -> R) -> R {
    var state = streams.removeValue(forKey: streamID) ?? StreamState(path: recentPaths[streamID])
    let result = body(&state)
    if state.isClosed {
      if let path = state.path { rememberClosedPath(path, of: streamID) }
    } else {
      streams[streamID] = state
      if streams.count > Self.maxOpenStreams, let oldest = streams.keys.min() {
        streams.removeValue(forKey: oldest)
      }
    }
    return result
  }

  /// Remembers that `streamID` was reset, so DATA still in flight on it is named as such.
  mutating func rememberReset(_ streamID: UInt32, by who: String) {
    if recentResets.updateValue(who, forKey: streamID) == nil { resetOrder.append(streamID) }
    if resetOrder.count > Self.maxRecentPaths {
      recentResets.removeValue(forKey: resetOrder.removeFirst())
    }
  }

  private mutating func rememberClosedPath(_ path: String, of streamID: UInt32) {
    if recentPaths.updateValue(path, forKey: streamID) == nil {
      recentOrder.append(streamID)
    }
    if recentOrder.count > Self.maxRecentPaths {
      let dropped = recentOrder.removeFirst()
      recentPaths.removeValue(forKey: dropped)
    }
  }
}
