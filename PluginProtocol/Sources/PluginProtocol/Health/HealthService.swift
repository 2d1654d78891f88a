import GRPCCore
import Synchronization

/// The standard `grpc.health.v1.Health` service (docs/protocol.md §5.1), as a go-plugin plugin needs it.
///
/// go-plugin's host checks the service name `"plugin"`; `""` (the whole server) is reported
/// too, as grpc-go does. Unknown names get `NOT_FOUND`, as grpc servers answer.
public final class HealthService: Grpc_Health_V1_Health.SimpleServiceProtocol, Sendable {
  /// Serving status values.
  public typealias Status = Grpc_Health_V1_HealthCheckResponse.ServingStatus

  /// go-plugin's health service name.
  public static let pluginServiceName = "plugin"

  private struct State {
    var statuses: [String: Status]
    var watchers: [Int: (service: String, continuation: AsyncStream<Status>.Continuation)] = [:]
    var nextWatcher = 0
  }
  private let state: Mutex<State>
  private let signal: ShutdownSignal

  /// Creates the service with `"plugin"` and `""` set to `status`.
  public init(status: Status = .serving, signal: ShutdownSignal) {
    self.state = Mutex(State(statuses: [HealthService.pluginServiceName: status, "": status]))
    self.signal = signal
  }

  /// Sets the status of `service` (and tells watchers).
  public func setStatus(_ status: Status, for service: String = HealthService.pluginServiceName) {
    let targets = state.withLock { s -> [AsyncStream<Status>.Continuation] in
      s.statuses[service] = status
      return s.watchers.values.filter { $0.service == service }.map(\.continuation)
    }
    for target in targets { target.yield(status) }
  }

  /// The current status of `service`, nil when unknown.
  public func status(of service: String) -> Status? { state.withLock { $0.statuses[service] } }

  /// `Check`: the service's status, or `NOT_FOUND`.
  public func check(
    request: Grpc_Health_V1_HealthCheckRequest, context: ServerContext
  ) async throws -> Grpc_Health_V1_HealthCheckResponse {
    guard let status = status(of: request.service) else {
      throw RPCError(code: .notFound, message: "unknown service \(request.service)")
    }
    return .with { $0.status = status }
  }

  /// `List`: every known service.
  public func list(
    request: Grpc_Health_V1_HealthListRequest, context: ServerContext
  ) async throws -> Grpc_Health_V1_HealthListResponse {
    let statuses = state.withLock { $0.statuses }
    return .with { response in
      for (name, status) in statuses { response.statuses[name] = .with { $0.status = status } }
    }
  }

  /// `Watch`: the current status, then every change, until shutdown or cancellation.
  public func watch(
    request: Grpc_Health_V1_HealthCheckRequest, response: RPCWriter<Grpc_Health_V1_HealthCheckResponse>,
    context: ServerContext
  ) async throws {
    let (stream, continuation) = AsyncStream<Status>.makeStream()
    let (id, current) = state.withLock { s -> (Int, Status?) in
      let id = s.nextWatcher
      s.nextWatcher += 1
      s.watchers[id] = (request.service, continuation)
      return (id, s.statuses[request.service])
    }
    defer { _ = state.withLock { $0.watchers.removeValue(forKey: id) } }
    try await response.write(.with { $0.status = current ?? .serviceUnknown })
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        for await status in stream { try await response.write(.with { $0.status = status }) }
      }
      group.addTask { [signal] in await signal.wait() }
      _ = try await group.next()
      group.cancelAll()
    }
  }
}

extension Grpc_Health_V1_HealthCheckResponse.ServingStatus {
  /// The status as the proto spells it: `SERVING`, `NOT_SERVING`, `UNKNOWN`, `SERVICE_UNKNOWN`.
  public var protoName: String {
    switch self {
    case .serving: return "SERVING"
    case .notServing: return "NOT_SERVING"
    case .unknown: return "UNKNOWN"
    case .serviceUnknown: return "SERVICE_UNKNOWN"
    case .UNRECOGNIZED(let n): return "UNRECOGNIZED(\(n))"
    }
  }
}
