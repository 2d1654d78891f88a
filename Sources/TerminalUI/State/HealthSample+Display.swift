import GRPCCore
import PluginHost

extension HealthSample {
  /// Shown instead of `unimplemented`: the plugin serves no `grpc.health.v1.Health`.
  static let noHealthServiceLabel = "no health service"

  /// Whether the check failed because the plugin has no health service (UNIMPLEMENTED).
  var hasNoHealthService: Bool {
    if case .failed(code: .unimplemented, _) = outcome { return true }
    return false
  }

  /// The label the TUI shows: `label`, but "no health service" for UNIMPLEMENTED (a warning
  /// with a fix, not a failure).
  var displayLabel: String { hasNoHealthService ? Self.noHealthServiceLabel : label }
}
