import Foundation
import GRPCCore

/// A key/value store a plugin serves as `proto.KV` (go-plugin's KV example interface).
public protocol KVStore: Sendable {
  /// The bytes stored under `key`; throw `KVError.notFound` when there are none.
  func get(key: String) async throws -> Data
  /// Stores `value` under `key`.
  func put(key: String, value: Data) async throws
}

/// Serves a `KVStore` as the `proto.KV` gRPC service, mapping `KVError` to status codes.
public struct KVService<Store: KVStore>: Proto_KV.SimpleServiceProtocol {
  /// The store calls go to.
  public let store: Store

  /// Wraps `store`.
  public init(store: Store) {
    self.store = store
  }

  /// `Get`: `NOT_FOUND` for a missing key, `INVALID_ARGUMENT` for a bad one.
  public func get(request: Proto_GetRequest, context: ServerContext) async throws -> Proto_GetResponse {
    do {
      let value = try await store.get(key: request.key)
      return .with { $0.value = value }
    } catch {
      throw KVService.rpcError(error)
    }
  }

  /// `Put`: `INVALID_ARGUMENT` for a bad key.
  public func put(request: Proto_PutRequest, context: ServerContext) async throws -> Proto_Empty {
    do {
      try await store.put(key: request.key, value: request.value)
      return Proto_Empty()
    } catch {
      throw KVService.rpcError(error)
    }
  }

  /// The gRPC status for a store error.
  public static func rpcError(_ error: any Error) -> RPCError {
    switch error {
    case let error as RPCError: return error
    case let error as KVError:
      switch error {
      case .invalidKey: return RPCError(code: .invalidArgument, message: error.description)
      case .notFound: return RPCError(code: .notFound, message: error.description)
      case .storage: return RPCError(code: .internalError, message: error.description)
      }
    default: return RPCError(code: .internalError, message: "\(error)")
    }
  }
}
