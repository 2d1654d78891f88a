import NIOCore

/// Takes the peer's HTTP/2 PINGs out of an inbound byte stream so they can be answered below the
/// HTTP/2 handler; every other byte passes through unchanged and in order.
///
/// A pure state machine fed the connection's bytes in chunks of any size. Why it exists:
/// grpc-go sends a BDP PING with almost every RPC, and swift-nio-http2 closes a connection that
/// receives more than 200 control frames in 30 s (GOAWAY `ENHANCE_YOUR_CALM`), which
/// grpc-swift-nio-transport does not let us raise (docs/swift-stack.md §3). A PING answered here
/// never reaches that count, and the peer still gets its ACK with the same 8 bytes (RFC 9113 §6.7).
public struct PingAnswerer: Sendable {
  /// What to do with a piece of the input.
  public enum Piece: Sendable, Equatable {
    /// Bytes to pass on to the HTTP/2 handler.
    case forward(ByteBuffer)
    /// A PING (not an ACK) with this payload was removed: send `ack(payload)` to the peer.
    case answer([UInt8])
  }

  private enum State: Sendable {
    /// Inside the 24-byte client connection preface (server side only).
    case preface(remaining: Int)
    /// Collecting a frame header; `partial` holds the bytes seen so far when it spans chunks.
    case header(partial: [UInt8])
    /// Passing a frame's payload on.
    case payload(remaining: Int)
    /// Reading a removed PING's payload.
    case ping(partial: [UInt8])
  }

  /// The length of the HTTP/2 client connection preface (`PRI * HTTP/2.0…`).
  public static let clientPrefaceLength = 24
  private static let headerLength = 9
  private static let pingType: UInt8 = 0x6
  private static let ackFlag: UInt8 = 0x1
  private static let pingPayloadLength = 8

  private var state: State
  /// How many PINGs were answered.
  public private(set) var answered = 0

  /// Creates an answerer; `afterClientPreface` on a server's inbound side, where the client's
  /// preface comes before the first frame.
  public init(afterClientPreface: Bool) {
    state = afterClientPreface ? .preface(remaining: Self.clientPrefaceLength) : .header(partial: [])
  }

  /// The PING ACK frame for a payload.
  public static func ack(_ payload: [UInt8]) -> [UInt8] {
    [0, 0, UInt8(pingPayloadLength), pingType, ackFlag, 0, 0, 0, 0] + payload
  }

  /// Feeds one inbound chunk; returns what to forward and what to answer, in order.
  public mutating func feed(_ buffer: ByteBuffer) -> [Piece] {
    var pieces: [Piece] = []
    var runStart: Int?
    var index = buffer.readerIndex
    let end = buffer.writerIndex

    func flushRun(to position: Int) {
      if let start = runStart, position > start, let slice = buffer.getSlice(at: start, length: position - start) {
        pieces.append(.forward(slice))
      }
      runStart = nil
    }

    while index < end {
      switch state {
      case .preface(let remaining), .payload(let remaining):
        let taken = min(remaining, end - index)
        if runStart == nil { runStart = index }
        index += taken
        state = remaining == taken ? .header(partial: []) : Self.same(state, remaining: remaining - taken)
      case .header(let partial) where partial.isEmpty && end - index >= Self.headerLength:
        let header = buffer.getBytes(at: index, length: Self.headerLength) ?? []
        if Self.isPing(header) {
          flushRun(to: index)
          state = .ping(partial: [])
        } else {
          if runStart == nil { runStart = index }
          state = Self.next(afterHeader: header)
        }
        index += Self.headerLength
      case .header(var partial):
        flushRun(to: index)
        let taken = min(Self.headerLength - partial.count, end - index)
        partial += buffer.getBytes(at: index, length: taken) ?? []
        index += taken
        guard partial.count == Self.headerLength else {
          state = .header(partial: partial)
          continue
        }
        if Self.isPing(partial) {
          state = .ping(partial: [])
        } else {
          pieces.append(.forward(ByteBuffer(bytes: partial)))
          state = Self.next(afterHeader: partial)
        }
      case .ping(var partial):
        let taken = min(Self.pingPayloadLength - partial.count, end - index)
        partial += buffer.getBytes(at: index, length: taken) ?? []
        index += taken
        if partial.count == Self.pingPayloadLength {
          pieces.append(.answer(partial))
          answered += 1
          state = .header(partial: [])
        } else {
          state = .ping(partial: partial)
        }
      }
    }
    flushRun(to: end)
    return pieces
  }

  /// A PING that is not an ACK, on stream 0, with the 8-byte payload the protocol requires (a
  /// malformed one is passed on for the HTTP/2 handler to reject).
  private static func isPing(_ header: [UInt8]) -> Bool {
    let length = Int(header[0]) << 16 | Int(header[1]) << 8 | Int(header[2])
    let stream =
      (UInt32(header[5]) << 24 | UInt32(header[6]) << 16 | UInt32(header[7]) << 8 | UInt32(header[8])) & 0x7fff_ffff
    return header[3] == pingType && header[4] & ackFlag == 0 && length == pingPayloadLength && stream == 0
  }

  private static func next(afterHeader header: [UInt8]) -> State {
    let length = Int(header[0]) << 16 | Int(header[1]) << 8 | Int(header[2])
    return length > 0 ? .payload(remaining: length) : .header(partial: [])
  }

  private static func same(_ state: State, remaining: Int) -> State {
    if case .preface = state { return .preface(remaining: remaining) }
    return .payload(remaining: remaining)
  }
}
