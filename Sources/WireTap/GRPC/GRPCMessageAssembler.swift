/// Reassembles length-prefixed gRPC messages from the DATA payloads of one stream direction.
///
/// gRPC frames every message as a 1-byte compressed flag, a 4-byte big-endian length and the
/// message bytes; a message may span any number of DATA frames and one DATA frame may hold
/// several messages. Feed payloads with padding already stripped.
public struct GRPCMessageAssembler: Sendable {
  /// One complete gRPC message.
  public struct Message: Sendable, Hashable {
    /// Whether the compressed flag was 1 (the bytes are then in the stream's grpc-encoding).
    public var compressed: Bool
    /// The message bytes (a serialised protobuf message unless compressed).
    public var bytes: [UInt8]

    /// Makes a message.
    public init(compressed: Bool, bytes: [UInt8]) {
      self.compressed = compressed
      self.bytes = bytes
    }
  }

  /// What a feed produced.
  public enum Output: Sendable, Hashable {
    /// A complete message.
    case message(Message)
    /// Framing problem; after a bad flag byte the assembler stops (framing is lost).
    case error(String)
  }

  /// Messages longer than this are skipped (counted, not buffered): 64 MiB.
  public static let defaultMaxMessageLength = 64 << 20

  /// The skip threshold in bytes.
  public let maxMessageLength: Int

  private enum State: Sendable {
    case prefix([UInt8])
    case body(compressed: Bool, length: Int, bytes: [UInt8])
    case skipping(remaining: Int)
    case failed
  }

  private var state: State = .prefix([])

  /// Makes an assembler expecting a message prefix.
  public init(maxMessageLength: Int = GRPCMessageAssembler.defaultMaxMessageLength) {
    self.maxMessageLength = maxMessageLength
  }

  /// Whether a bad flag byte stopped reassembly.
  public var hasFailed: Bool {
    if case .failed = state { return true }
    return false
  }

  /// Progress of the message being assembled: bytes received so far (prefix included) and
  /// the full size (prefix + body) when the prefix is complete; nil between messages.
  public var pending: (received: Int, expected: Int?)? {
    switch state {
    case .prefix(let bytes): bytes.isEmpty ? nil : (bytes.count, nil)
    case .body(_, let length, let bytes): (5 + bytes.count, 5 + length)
    case .skipping, .failed: nil
    }
  }

  /// Consumes one DATA payload; `endStream` reports a partial message left over as an error
  /// and resets for a new stream.
  public mutating func feed(_ bytes: some Collection<UInt8>, endStream: Bool = false) -> [Output] {
    var outputs: [Output] = []
    var index = bytes.startIndex
    loop: while index != bytes.endIndex {
      switch state {
      case .failed:
        return outputs
      case .skipping(let remaining):
        let available = bytes.distance(from: index, to: bytes.endIndex)
        let take = min(remaining, available)
        index = bytes.index(index, offsetBy: take)
        state = remaining == take ? .prefix([]) : .skipping(remaining: remaining - take)
      case .prefix(var prefix):
        while prefix.count < 5, index != bytes.endIndex {
          prefix.append(bytes[index])
          index = bytes.index(after: index)
        }
        guard prefix.count == 5 else {
          state = .prefix(prefix)
          break loop
        }
        let flag = prefix[0]
        guard flag <= 1 else {
          outputs.append(
            .error(
              "gRPC message flag byte is 0x\(Hex.encode([flag])) (must be 0 or 1): this DATA is not gRPC length-prefixed framing; stopped decoding messages on this stream"
            ))
          state = .failed
          return outputs
        }
        let length = Int(HTTP2Frame.uint32(prefix[1..<5]))
        if length > maxMessageLength {
          outputs.append(
            .error("gRPC message of \(length) bytes is larger than the tap's \(maxMessageLength)-byte limit; skipped"))
          state = length == 0 ? .prefix([]) : .skipping(remaining: length)
        } else if length == 0 {
          outputs.append(.message(Message(compressed: flag == 1, bytes: [])))
          state = .prefix([])
        } else {
          var body: [UInt8] = []
          body.reserveCapacity(min(length, 1 << 20))
          state = .body(compressed: flag == 1, length: length, bytes: body)
        }
      case .body(let compressed, let length, var body):
        state = .failed  // release the buffer reference while appending (avoids a copy)
        let need = length - body.count
        let available = bytes.distance(from: index, to: bytes.endIndex)
        let take = min(need, available)
        let end = bytes.index(index, offsetBy: take)
        body.append(contentsOf: bytes[index..<end])
        index = end
        if body.count == length {
          outputs.append(.message(Message(compressed: compressed, bytes: body)))
          state = .prefix([])
        } else {
          state = .body(compressed: compressed, length: length, bytes: body)
        }
      }
    }
    if endStream {
      switch state {
      case .prefix(let prefix) where !prefix.isEmpty:
        outputs.append(.error("stream ended inside a gRPC message prefix (\(prefix.count) of 5 bytes)"))
      case .body(_, let length, let body):
        outputs.append(.error("stream ended inside a gRPC message: got \(body.count) of \(length) bytes"))
      case .skipping(let remaining):
        outputs.append(.error("stream ended \(remaining) bytes before the end of a skipped gRPC message"))
      default:
        break
      }
      if !hasFailed { state = .prefix([]) }
    }
    return outputs
  }
}
