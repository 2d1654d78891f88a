/// An HTTP/2 SETTINGS parameter identifier (RFC 9113 §6.5.2, RFC 8441).
public struct HTTP2Setting: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The 16-bit identifier.
  public var rawValue: UInt16

  /// Wraps an identifier.
  public init(rawValue: UInt16) { self.rawValue = rawValue }

  /// Wraps an identifier.
  public init(_ rawValue: UInt16) { self.rawValue = rawValue }

  /// SETTINGS_HEADER_TABLE_SIZE (0x1): HPACK table size the *sender* can decode with.
  public static let headerTableSize = HTTP2Setting(0x1)
  /// SETTINGS_ENABLE_PUSH (0x2).
  public static let enablePush = HTTP2Setting(0x2)
  /// SETTINGS_MAX_CONCURRENT_STREAMS (0x3).
  public static let maxConcurrentStreams = HTTP2Setting(0x3)
  /// SETTINGS_INITIAL_WINDOW_SIZE (0x4).
  public static let initialWindowSize = HTTP2Setting(0x4)
  /// SETTINGS_MAX_FRAME_SIZE (0x5).
  public static let maxFrameSize = HTTP2Setting(0x5)
  /// SETTINGS_MAX_HEADER_LIST_SIZE (0x6).
  public static let maxHeaderListSize = HTTP2Setting(0x6)
  /// SETTINGS_ENABLE_CONNECT_PROTOCOL (0x8, RFC 8441).
  public static let enableConnectProtocol = HTTP2Setting(0x8)

  /// The name without the `SETTINGS_` prefix, e.g. `MAX_FRAME_SIZE`, or `0x0a` when unknown.
  public var name: String {
    switch rawValue {
    case 0x1: "HEADER_TABLE_SIZE"
    case 0x2: "ENABLE_PUSH"
    case 0x3: "MAX_CONCURRENT_STREAMS"
    case 0x4: "INITIAL_WINDOW_SIZE"
    case 0x5: "MAX_FRAME_SIZE"
    case 0x6: "MAX_HEADER_LIST_SIZE"
    case 0x8: "ENABLE_CONNECT_PROTOCOL"
    default: "0x" + (rawValue < 0x10 ? "0" : "") + String(rawValue, radix: 16)
    }
  }

  /// Same as `name`.
  public var description: String { name }
}
