import Synchronization

/// What a client connection has seen of the plugin: whether the connection was made and how
/// many bytes the plugin sent, counted below the HTTP/2 handler (`PingAnswerHandler`).
public final class ConnectionTraffic: Sendable {
  private struct Counts {
    var connections = 0
    var bytesFromPlugin = 0
  }
  private let counts = Mutex(Counts())

  /// Creates an empty record.
  public init() {}

  /// Connections made so far.
  public var connections: Int { counts.withLock { $0.connections } }
  /// Bytes received from the plugin so far, on every connection.
  public var bytesFromPlugin: Int { counts.withLock { $0.bytesFromPlugin } }

  func connected() { counts.withLock { $0.connections += 1 } }
  func received(_ bytes: Int) { counts.withLock { $0.bytesFromPlugin += bytes } }

  /// A sentence naming a silent plugin, or nil once the plugin has sent anything.
  public func silence(after timeout: Duration) -> String? {
    let counts = counts.withLock { $0 }
    guard counts.bytesFromPlugin == 0 else { return nil }
    if counts.connections == 0 {
      return "plugin-dev could not connect to the plugin's address within \(timeout)"
    }
    return "connected, but the plugin sent no HTTP/2 SETTINGS within \(timeout): nothing serves gRPC on "
      + "the announced address (start the gRPC server before printing the handshake, on that address)"
  }
}
