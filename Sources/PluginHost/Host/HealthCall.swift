import Foundation
import GRPCCore
import PluginProtocol

/// One `grpc.health.v1.Health/Check` of service `"plugin"`, as `run`'s health loop, its console
/// and `check` make it.
package enum HealthCall {
  /// How long a health check may take.
  package static let timeout: Duration = .seconds(5)
  /// What a call cut short by stopping says.
  package static let cancelledText = "stopped before the plugin answered"

  /// Checks once; failures are explained from the connection's traffic.
  package static func sample(_ connection: PluginConnection, timeout: Duration = timeout) async -> HealthSample {
    let started = Date()
    let clock = ContinuousClock()
    let t0 = clock.now
    let outcome: HealthSample.Outcome
    do {
      outcome = .status(try await connection.health.check(timeout: timeout).protoName)
    } catch let error as RPCError {
      let error = connection.explain(error, after: timeout)
      outcome = .failed(code: Status.Code(error.code), message: error.message)
    } catch is CancellationError {
      outcome = .failed(code: .cancelled, message: cancelledText)
    } catch {
      outcome = .failed(code: .unknown, message: "\(error)")
    }
    return HealthSample(time: started, outcome: outcome, latency: (clock.now - t0).seconds)
  }
}
