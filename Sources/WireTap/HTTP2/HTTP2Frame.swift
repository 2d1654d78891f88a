/// One complete HTTP/2 frame as read off the wire: the 9-byte header fields plus the payload.
public struct HTTP2Frame: Sendable, Hashable {
  /// The frame type.
  public var type: HTTP2FrameType
  /// The raw flag bits; see `flagNames`.
  public var flags: UInt8
  /// The stream identifier with the reserved bit cleared (0 = the connection).
  public var streamID: UInt32
  /// The payload length from the frame header (equals `payload.count`).
  public var length: Int
  /// The raw payload, padding and priority fields included.
  public var payload: [UInt8]

  /// END_STREAM (DATA, HEADERS).
  public static let endStreamFlag: UInt8 = 0x01
  /// ACK (SETTINGS, PING); same bit as END_STREAM.
  public static let ackFlag: UInt8 = 0x01
  /// END_HEADERS (HEADERS, PUSH_PROMISE, CONTINUATION).
  public static let endHeadersFlag: UInt8 = 0x04
  /// PADDED (DATA, HEADERS, PUSH_PROMISE).
  public static let paddedFlag: UInt8 = 0x08
  /// PRIORITY (HEADERS).
  public static let priorityFlag: UInt8 = 0x20

  /// Makes a frame; `length` is taken from the payload.
  public init(type: HTTP2FrameType, flags: UInt8 = 0, streamID: UInt32, payload: [UInt8] = []) {
    self.type = type
    self.flags = flags
    self.streamID = streamID & 0x7fff_ffff
    self.length = payload.count
    self.payload = payload
  }

  /// Whether every bit of `flag` is set.
  public func has(_ flag: UInt8) -> Bool { flags & flag == flag }

  /// The names of the set flags that are meaningful for this frame type (END_STREAM,
  /// END_HEADERS, PADDED, PRIORITY, ACK); other set bits are listed as hex, e.g. `0x40`.
  public var flagNames: [String] {
    var known: [(UInt8, String)] = []
    switch type {
    case .data: known = [(0x01, "END_STREAM"), (0x08, "PADDED")]
    case .headers:
      known = [(0x01, "END_STREAM"), (0x04, "END_HEADERS"), (0x08, "PADDED"), (0x20, "PRIORITY")]
    case .settings, .ping: known = [(0x01, "ACK")]
    case .pushPromise: known = [(0x04, "END_HEADERS"), (0x08, "PADDED")]
    case .continuation: known = [(0x04, "END_HEADERS")]
    default: known = []
    }
    var names: [String] = []
    var remaining = flags
    for (bit, name) in known where flags & bit != 0 {
      names.append(name)
      remaining &= ~bit
    }
    var bit: UInt8 = 1
    while remaining != 0 {
      if remaining & bit != 0 {
        names.append("0x" + Hex.encode([bit]))
        remaining &= ~bit
      }
      bit = bit &<< 1
    }
    return names
  }

  /// The frame serialised: 9-byte header followed by the payload (useful for fixtures).
  public var wireBytes: [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(9 + payload.count)
    let length = UInt32(truncatingIfNeeded: payload.count)
    out.append(UInt8(truncatingIfNeeded: length >> 16))
    out.append(UInt8(truncatingIfNeeded: length >> 8))
    out.append(UInt8(truncatingIfNeeded: length))
    out.append(type.rawValue)
    out.append(flags)
    out.append(UInt8(truncatingIfNeeded: streamID >> 24))
    out.append(UInt8(truncatingIfNeeded: streamID >> 16))
    out.append(UInt8(truncatingIfNeeded: streamID >> 8))
    out.append(UInt8(truncatingIfNeeded: streamID))
    out.append(contentsOf: payload)
    return out
  }
}
