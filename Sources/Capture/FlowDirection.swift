/// Which way relayed bytes travel.
///
/// The host is the side that connected to the relay (the gRPC client, which opens the TCP
/// connection in the capture); the plugin is the side the relay dialled (the gRPC server).
/// Relay's and WireTap's `Direction` have the same two cases; the capture keeps its own so it
/// depends on neither.
public enum FlowDirection: Sendable, Hashable, CaseIterable {
  /// From the host (client) to the plugin (server).
  case hostToPlugin
  /// From the plugin back to the host.
  case pluginToHost
}

extension FlowDirection {
  /// The other way.
  public var reversed: FlowDirection { self == .hostToPlugin ? .pluginToHost : .hostToPlugin }
}
