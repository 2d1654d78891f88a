extension TapProxy {
  /// Which way a relayed chunk travels.
  ///
  /// The host is the side that connects to the relay (the gRPC client); the plugin is the side
  /// the relay dials (the gRPC server). WireTap's `Direction` has the same two cases; the relay
  /// keeps its own so that it needs no decoder and the decoder no sockets.
  public enum Direction: Sendable, Hashable, CaseIterable {
    /// From the side that connected to the relay to the side it dialled.
    case hostToPlugin
    /// From the dialled side back to the side that connected.
    case pluginToHost
  }
}
