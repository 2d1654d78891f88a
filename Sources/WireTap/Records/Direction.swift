/// Which way bytes travel on a tapped connection.
///
/// The host is the gRPC client (it sends the HTTP/2 client preface); the plugin is the gRPC
/// server. "In" and "out" are from the plugin's point of view.
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
