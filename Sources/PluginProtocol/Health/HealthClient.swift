import GRPCCore

/// Calls a plugin's `grpc.health.v1.Health` service.
public struct HealthClient<Transport: ClientTransport>: Sendable {
  private let stub: Grpc_Health_V1_Health.Client<Transport>

  /// Wraps a connected client.
  public init(client: GRPCClient<Transport>) {
    self.stub = Grpc_Health_V1_Health.Client(wrapping: client)
  }

  /// The status of `service` (go-plugin checks `"plugin"`); throws `RPCError` (`notFound`, `unimplemented`, …).
  public func check(
    _ service: String = HealthService.pluginServiceName, timeout: Duration? = nil
  ) async throws -> HealthService.Status {
    var options = CallOptions.defaults
    options.timeout = timeout
    let stub = self.stub
    return try await RPCDeadline.run(timeout) { [options] in
      try await stub.check(.with { $0.service = service }, options: options).status
    }
  }
}
