/// Which way bytes travel on a tapped connection: one type for the relay that carries them, the
/// capture that records them and the decoder that reads them (each module depends on this one
/// alone, so none needs another's, and nothing converts between them).
///
/// The host is the side that connects to the relay: the gRPC client (it sends the HTTP/2 client
/// preface and opens the TCP connection in a capture); the plugin is the side the relay dials,
/// the gRPC server. "In" and "out" are from the plugin's point of view.
public enum Direction: String, Sendable, Codable, Hashable, CaseIterable {
  /// Host (gRPC client) to plugin (gRPC server); the stream starts with the client preface.
  case hostToPlugin
  /// Plugin (gRPC server) to host (gRPC client).
  case pluginToHost

  /// The opposite direction.
  public var reversed: Direction {
    switch self {
    case .hostToPlugin: .pluginToHost
    case .pluginToHost: .hostToPlugin
    }
  }

  /// A one-character arrow for list rows: `>` host→plugin, `<` plugin→host.
  public var arrow: String {
    switch self {
    case .hostToPlugin: ">"
    case .pluginToHost: "<"
    }
  }

  /// The side that sends bytes in this direction ("host" or "plugin").
  public var sender: String {
    switch self {
    case .hostToPlugin: "host"
    case .pluginToHost: "plugin"
    }
  }

  /// The side that receives bytes in this direction ("plugin" or "host").
  public var receiver: String { reversed.sender }
}
