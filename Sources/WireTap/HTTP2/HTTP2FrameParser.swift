/// Splits one direction of an HTTP/2 byte stream into the client preface and frames.
///
/// A state machine: feed it bytes split at any boundary and it returns whatever became
/// complete. After a framing error it stops decoding that direction for good (there is no
/// way to find the next frame boundary), and every later `feed` returns nothing.
public struct HTTP2FrameParser: Sendable {
  /// Something recognised in the byte stream.
  public enum Output: Sendable, Hashable {
    /// The 24-byte client connection preface (RFC 9113 §3.4).
    case preface
    /// One complete frame.
    case frame(HTTP2Frame)
    /// The stream is not HTTP/2 from here on; the text says what was seen.
    case error(String)
  }

  /// `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`, which a client sends before its first frame.
  public static let clientPreface: [UInt8] = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

  /// Size of a frame header.
  public static let frameHeaderLength = 9

  private enum State: Sendable {
    case preface(matched: Int)
    case frames
    case failed
  }

  private var state: State
  private var buffer: [UInt8] = []
  private var readIndex = 0

  /// Makes a parser; the host→plugin direction expects the client preface first.
  public init(expectsClientPreface: Bool) {
    state = expectsClientPreface ? .preface(matched: 0) : .frames
  }

  /// Whether a framing error stopped decoding.
  public var hasFailed: Bool {
    if case .failed = state { return true }
    return false
  }

  /// Bytes received that are not yet part of a complete preface or frame.
  public var bufferedByteCount: Int { buffer.count - readIndex }

  /// Appends bytes and returns everything that became complete, in order.
  public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Output] {
    if case .failed = state { return [] }
    buffer.append(contentsOf: bytes)
    var outputs: [Output] = []
    parsing: while true {
      switch state {
      case .failed:
        break parsing
      case .preface(let matched):
        let preface = Self.clientPreface
        let available = buffer.count - readIndex
        let count = min(preface.count - matched, available)
        for offset in 0..<count where buffer[readIndex + offset] != preface[matched + offset] {
          outputs.append(.error(prefaceMismatchMessage(matched: matched)))
          fail()
          break parsing
        }
        readIndex += count
        if matched + count == preface.count {
          state = .frames
          outputs.append(.preface)
        } else {
          state = .preface(matched: matched + count)
          break parsing
        }
      case .frames:
        guard let frame = nextFrame() else { break parsing }
        outputs.append(.frame(frame))
      }
    }
    compact()
    return outputs
  }

  /// Reads one frame if all of it is buffered.
  private mutating func nextFrame() -> HTTP2Frame? {
    let available = buffer.count - readIndex
    guard available >= Self.frameHeaderLength else { return nil }
    let start = readIndex
    let length = Int(buffer[start]) << 16 | Int(buffer[start + 1]) << 8 | Int(buffer[start + 2])
    guard available - Self.frameHeaderLength >= length else { return nil }
    let type = HTTP2FrameType(buffer[start + 3])
    let flags = buffer[start + 4]
    let streamID = HTTP2Frame.uint32(buffer[(start + 5)..<(start + 9)]) & 0x7fff_ffff
    let payloadStart = start + Self.frameHeaderLength
    let payload = Array(buffer[payloadStart..<(payloadStart + length)])
    readIndex = payloadStart + length
    return HTTP2Frame(type: type, flags: flags, streamID: streamID, payload: payload)
  }

  private mutating func fail() {
    state = .failed
    buffer = []
    readIndex = 0
  }

  /// Drops consumed bytes so the buffer does not grow with the stream.
  private mutating func compact() {
    if readIndex == buffer.count {
      buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 16)
      readIndex = 0
    } else if readIndex >= 1 << 16 || (readIndex > 0 && readIndex * 2 >= buffer.count) {
      buffer.removeFirst(readIndex)
      readIndex = 0
    }
  }

  /// Describes bytes that should have been the client preface, with a guess at what they are.
  private func prefaceMismatchMessage(matched: Int) -> String {
    let preface = Self.clientPreface
    let seen =
      Array(preface[0..<matched]) + Array(buffer[readIndex..<min(buffer.count, readIndex + preface.count - matched)])
    let shown =
      TextPreview.printableText(seen).map { TextPreview.quoted($0, maxCharacters: 24) }
      ?? "<\(Hex.spaced(seen))>"
    var message = "expected the HTTP/2 client preface \"PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n\" but got \(shown)"
    if let hint = Self.hint(for: seen) {
      message += "; \(hint)"
    }
    return message + ". The tap stops decoding this direction (bytes are still relayed)."
  }

  /// A guess at what non-preface bytes are.
  private static func hint(for seen: [UInt8]) -> String? {
    let text = String(decoding: seen.prefix(8), as: UTF8.self)
    if seen.count >= 2, seen[0] == 0x16, seen[1] == 0x03 {
      return
        "this looks like a TLS handshake: the client speaks TLS (go-plugin AutoMTLS?) but the tap expects plaintext HTTP/2"
    }
    for method in ["GET ", "POST ", "PUT ", "HEAD ", "HTTP/1", "OPTIONS ", "DELETE ", "CONNECT "]
    where text.hasPrefix(method) {
      return "this looks like HTTP/1.x, not HTTP/2 with prior knowledge"
    }
    if seen.count >= 4, seen[3] == HTTP2FrameType.settings.rawValue, seen[0] == 0 {
      return "this looks like HTTP/2 frames without the preface (the tap may have joined mid-connection)"
    }
    return nil
  }
}
