/// An HTTP/2 frame type (RFC 9113 §6); unknown values are kept, not rejected.
public struct HTTP2FrameType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The type byte from the frame header.
  public var rawValue: UInt8

  /// Wraps a frame type byte.
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  /// Wraps a frame type byte.
  public init(_ rawValue: UInt8) { self.rawValue = rawValue }

  /// DATA (0x0): stream payload; gRPC messages travel here.
  public static let data = HTTP2FrameType(0x0)
  /// HEADERS (0x1): opens a stream or carries trailers.
  public static let headers = HTTP2FrameType(0x1)
  /// PRIORITY (0x2): deprecated stream prioritisation.
  public static let priority = HTTP2FrameType(0x2)
  /// RST_STREAM (0x3): abrupt stream termination with an error code.
  public static let rstStream = HTTP2FrameType(0x3)
  /// SETTINGS (0x4): connection parameters, or an ACK of them.
  public static let settings = HTTP2FrameType(0x4)
  /// PUSH_PROMISE (0x5): server push (never used by gRPC).
  public static let pushPromise = HTTP2FrameType(0x5)
  /// PING (0x6): liveness / round-trip measurement; grpc-go uses it for BDP estimation.
  public static let ping = HTTP2FrameType(0x6)
  /// GOAWAY (0x7): graceful or error shutdown of the connection.
  public static let goaway = HTTP2FrameType(0x7)
  /// WINDOW_UPDATE (0x8): flow-control credit.
  public static let windowUpdate = HTTP2FrameType(0x8)
  /// CONTINUATION (0x9): the rest of a header block that did not fit one frame.
  public static let continuation = HTTP2FrameType(0x9)

  /// The RFC name ("DATA", "HEADERS", …) or `UNKNOWN(0x0b)`.
  public var name: String {
    switch rawValue {
    case 0x0: "DATA"
    case 0x1: "HEADERS"
    case 0x2: "PRIORITY"
    case 0x3: "RST_STREAM"
    case 0x4: "SETTINGS"
    case 0x5: "PUSH_PROMISE"
    case 0x6: "PING"
    case 0x7: "GOAWAY"
    case 0x8: "WINDOW_UPDATE"
    case 0x9: "CONTINUATION"
    default: "UNKNOWN(0x\(Hex.encode([rawValue])))"
    }
  }

  /// Same as `name`.
  public var description: String { name }
}
