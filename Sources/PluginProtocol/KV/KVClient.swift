import Foundation
import GRPCCore

/// Calls a plugin's `proto.KV` service.
public struct KVClient<Transport: ClientTransport>: Sendable {
  private let stub: Proto_KV.Client<Transport>

  /// Wraps a connected client.
  public init(client: GRPCClient<Transport>) {
    self.stub = Proto_KV.Client(wrapping: client)
  }

  /// The bytes stored under `key`; throws `RPCError` (`notFound`, …) from the plugin.
  public func get(_ key: String) async throws -> Data {
    try await stub.get(.with { $0.key = key }).value
  }

  /// Stores `value` under `key`.
  public func put(_ key: String, _ value: Data) async throws {
    _ = try await stub.put(.with {
      $0.key = key
      $0.value = value
    })
  }
}
