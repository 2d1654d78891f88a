import PluginProtocol

/// An accepted handshake, as the session reported it.
public struct HandshakeInfo: Sendable, Equatable {
  /// The parsed line.
  public var line: HandshakeLine
  /// The raw stdout line.
  public var raw: String
  /// Things worth fixing although a Go host accepts the line.
  public var warnings: [HandshakeWarning]
  /// Seconds from spawn to the line.
  public var seconds: Double

  /// Creates a value.
  public init(line: HandshakeLine, raw: String, warnings: [HandshakeWarning] = [], seconds: Double) {
    self.line = line
    self.raw = raw
    self.warnings = warnings
    self.seconds = seconds
  }
}
