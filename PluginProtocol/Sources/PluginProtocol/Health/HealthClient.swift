import GRPCCore

/// Calls a plugin's `grpc.health.v1.Health` service.
public struct HealthClient<Transport: ClientTransport>: Sendable {
  private let stub: Grpc_Health_V1_Health.Client<Transport>

  private let executor: (any TaskExecutor)?

  /// Wraps a connected client; calls run with `executor` as their task executor preference
  /// (PluginConnection passes its `EventLoopExecutor`).
  public init(client: GRPCClient<Transport>, executor: (any TaskExecutor)? = nil) {
    self.stub = Grpc_Health_V1_Health.Client(wrapping: client)
    self.executor = executor
  }

  /// The status of `service` (go-plugin checks `"plugin"`); throws `RPCError` (`notFound`, `unimplemented`, …).
  public func check(
    _ service: String = HealthService.pluginServiceName, timeout: Duration? = nil
  ) async throws -> HealthService.Status {
    var options = CallOptions.defaults
    options.timeout = timeout
    let stub = self.stub
    return try await RPCDeadline.run(timeout, on: executor) { [options] in
      try await stub.check(.with { $0.service = service }, options: options).status
    }
  }
}
