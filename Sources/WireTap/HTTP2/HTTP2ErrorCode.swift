/// An HTTP/2 error code as carried by RST_STREAM and GOAWAY (RFC 9113 §7).
public struct HTTP2ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
  /// The 32-bit code.
  public var rawValue: UInt32

  /// Wraps a code.
  public init(rawValue: UInt32) { self.rawValue = rawValue }

  /// Wraps a code.
  public init(_ rawValue: UInt32) { self.rawValue = rawValue }

  /// NO_ERROR (0x0): graceful shutdown.
  public static let noError = HTTP2ErrorCode(0x0)
  /// PROTOCOL_ERROR (0x1).
  public static let protocolError = HTTP2ErrorCode(0x1)
  /// INTERNAL_ERROR (0x2).
  public static let internalError = HTTP2ErrorCode(0x2)
  /// FLOW_CONTROL_ERROR (0x3).
  public static let flowControlError = HTTP2ErrorCode(0x3)
  /// SETTINGS_TIMEOUT (0x4).
  public static let settingsTimeout = HTTP2ErrorCode(0x4)
  /// STREAM_CLOSED (0x5).
  public static let streamClosed = HTTP2ErrorCode(0x5)
  /// FRAME_SIZE_ERROR (0x6).
  public static let frameSizeError = HTTP2ErrorCode(0x6)
  /// REFUSED_STREAM (0x7).
  public static let refusedStream = HTTP2ErrorCode(0x7)
  /// CANCEL (0x8): gRPC uses it for cancelled calls and deadlines.
  public static let cancel = HTTP2ErrorCode(0x8)
  /// COMPRESSION_ERROR (0x9): HPACK state broke.
  public static let compressionError = HTTP2ErrorCode(0x9)
  /// CONNECT_ERROR (0xa).
  public static let connectError = HTTP2ErrorCode(0xa)
  /// ENHANCE_YOUR_CALM (0xb): the peer thinks it is being flooded (see docs/swift-stack.md §3).
  public static let enhanceYourCalm = HTTP2ErrorCode(0xb)
  /// INADEQUATE_SECURITY (0xc).
  public static let inadequateSecurity = HTTP2ErrorCode(0xc)
  /// HTTP_1_1_REQUIRED (0xd).
  public static let http11Required = HTTP2ErrorCode(0xd)

  private static let names = [
    "NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
    "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR",
    "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED",
  ]

  /// The RFC name, e.g. `ENHANCE_YOUR_CALM`, or `0x1f` for codes the RFC does not define.
  public var name: String {
    rawValue < Self.names.count ? Self.names[Int(rawValue)] : "0x" + String(rawValue, radix: 16)
  }

  /// Same as `name`.
  public var description: String { name }
}
