import PluginHost

/// Every check of one `plugin-dev check` run, and the exit status they add up to.
public struct CheckReport: Sendable, Equatable {
  /// The plugin checked (its name).
  public var target: String
  /// The results, in the order of `CheckID.allCases`.
  public var results: [CheckResult]
  /// Why the plugin could not be started at all (build failed, not executable); nil when it ran.
  public var startFailure: String?
  /// Wall time of the whole check.
  public var seconds: Double
  /// The host profile checked for (`check --host`), nil: a generic go-plugin host.
  public var host: String?
  /// The checks that host does not care about (reported, never failed).
  public var notNeeded: [CheckID] = []

  /// Creates a report.
  public init(target: String, results: [CheckResult], startFailure: String? = nil, seconds: Double = 0) {
    self.target = target
    self.results = results
    self.startFailure = startFailure
    self.seconds = seconds
  }

  /// How many checks ended with `status`.
  public func count(_ status: CheckStatus) -> Int {
    results.filter { $0.status == status }.count
  }

  /// The ids of the failed checks, in report order.
  public var failedIDs: [CheckID] {
    results.filter { $0.status == .fail }.map(\.id)
  }

  /// The result of `id`, if it was reported.
  public subscript(id: CheckID) -> CheckResult? {
    results.first { $0.id == id }
  }

  /// `plugin-dev check`'s exit status: 0 no failure (warnings are fine), 1 a check failed, 2 the plugin could not be started.
  public var exitCode: Int32 {
    if startFailure != nil { return 2 }
    return failedIDs.isEmpty ? 0 : 1
  }
}
