/// What the two sides of a relay really are, for the capture's interface description and the
/// comment on each connection's SYN: the capture shows them as 127.0.0.1 and 127.0.0.2 ports.
public struct CaptureRelay: Sendable, Hashable {
  /// The side that connects to the relay, e.g. "plugin-dev's gRPC client (via the relay's unix
  /// socket /tmp/…/tap.sock)".
  public var host: String
  /// The side the relay dials, e.g. "the plugin at unix:/tmp/plugin…/plugin.sock".
  public var plugin: String
  /// The plugin's TCP port when it listens on TCP: the first relay's becomes the capture's plugin
  /// port (else `CaptureRecorder.defaultPluginPort`).
  public var pluginTCPPort: Int?
  /// Whether the relay ends TLS on the plugin's side (AutoMTLS), so the bytes are the decrypted stream.
  public var decrypted: Bool

  /// A relay description.
  public init(host: String, plugin: String, pluginTCPPort: Int? = nil, decrypted: Bool = false) {
    self.host = host
    self.plugin = plugin
    self.pluginTCPPort = pluginTCPPort
    self.decrypted = decrypted
  }
}
