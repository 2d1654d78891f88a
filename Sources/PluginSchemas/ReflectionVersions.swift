import GRPCCore

/// The gRPC reflection versions a plugin may serve, and the one way both reflection clients
/// (`ReflectionProbe`'s listing and `ReflectionClient`'s fetch) try them.
public enum ReflectionVersions {
  /// The versions tried, newest first (`grpc.reflection.v1`, then `v1alpha`).
  public static let all = ["v1", "v1alpha"]

  /// The reflection service of `version`.
  public static func service(_ version: String) -> String { "grpc.reflection.\(version).ServerReflection" }

  /// How asking went.
  public enum Answer<Value: Sendable>: Sendable {
    /// `version` answered (anything but UNIMPLEMENTED).
    case answered(version: String, Value)
    /// No version is served.
    case unimplemented
    /// A call failed otherwise.
    case failed(code: Status.Code, message: String)
  }

  /// Runs `ask` for each version, newest first, until one is not UNIMPLEMENTED: an UNIMPLEMENTED
  /// error anywhere in `ask` moves on to the next version; any other error ends the ladder.
  public static func askNewestFirst<Value: Sendable>(
    _ ask: (_ version: String) async throws -> Value
  ) async -> Answer<Value> {
    for version in all {
      do {
        return .answered(version: version, try await ask(version))
      } catch let error as RPCError where error.code == .unimplemented {
        continue
      } catch let error as RPCError {
        return .failed(code: Status.Code(error.code), message: error.message)
      } catch {
        return .failed(code: .unknown, message: "\(error)")
      }
    }
    return .unimplemented
  }
}
