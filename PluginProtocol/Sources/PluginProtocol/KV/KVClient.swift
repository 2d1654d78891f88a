import Foundation
import GRPCCore

/// Calls a plugin's `proto.KV` service.
public struct KVClient<Transport: ClientTransport>: Sendable {
  private let stub: Proto_KV.Client<Transport>

  private let executor: (any TaskExecutor)?

  /// Wraps a connected client; calls run with `executor` as their task executor preference
  /// (PluginConnection passes its `EventLoopExecutor`).
  public init(client: GRPCClient<Transport>, executor: (any TaskExecutor)? = nil) {
    self.stub = Proto_KV.Client(wrapping: client)
    self.executor = executor
  }

  /// The bytes stored under `key`; throws `RPCError` (`notFound`, `deadlineExceeded`, …). A
  /// `timeout` holds even when the plugin never answers at the HTTP/2 level (`RPCDeadline`).
  public func get(_ key: String, timeout: Duration? = nil) async throws -> Data {
    let stub = self.stub
    return try await RPCDeadline.run(timeout, on: executor) {
      try await stub.get(.with { $0.key = key }, options: Self.options(timeout)).value
    }
  }

  /// Stores `value` under `key`; throws `RPCError` from the plugin.
  public func put(_ key: String, _ value: Data, timeout: Duration? = nil) async throws {
    let stub = self.stub
    _ = try await RPCDeadline.run(timeout, on: executor) {
      try await stub.put(
        .with {
          $0.key = key
          $0.value = value
        }, options: Self.options(timeout))
    }
  }

  private static func options(_ timeout: Duration?) -> CallOptions {
    var options = CallOptions.defaults
    options.timeout = timeout
    return options
  }
}
