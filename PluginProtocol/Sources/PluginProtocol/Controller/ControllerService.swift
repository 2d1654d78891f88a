import GRPCCore

/// go-plugin's `plugin.GRPCController` (docs/protocol.md §5.3): `Shutdown` replies, then the plugin exits.
public struct ControllerService: Plugin_GRPCController.SimpleServiceProtocol {
  private let signal: ShutdownSignal

  /// Creates the service; `Shutdown` fires `signal` after replying.
  public init(signal: ShutdownSignal) {
    self.signal = signal
  }

  /// Replies `Empty` and fires the shutdown signal; the server then stops gracefully.
  public func shutdown(request: Plugin_Empty, context: ServerContext) async throws -> Plugin_Empty {
    signal.trigger(reason: "GRPCController/Shutdown")
    return Plugin_Empty()
  }
}
