import PluginHost

/// The outcome of one check: its verdict, what was seen, and what to change.
public struct CheckResult: Sendable, Equatable, Codable {
  /// Which check.
  public var id: CheckID
  /// The verdict.
  public var status: CheckStatus
  /// What plugin-dev saw (`1|1|unix|/tmp/plugin-x/plugin.sock|grpc| in 23 ms`).
  public var seen: String
  /// What to change in the plugin; nil for passes and skips.
  public var fix: String?
  /// What a go-plugin host reports in this situation, when it reports anything.
  public var goPlugin: String?

  /// Creates a result.
  public init(_ id: CheckID, _ status: CheckStatus, seen: String, fix: String? = nil, goPlugin: String? = nil) {
    self.id = id
    self.status = status
    self.seen = seen
    self.fix = fix
    self.goPlugin = goPlugin
  }

  /// A passed check.
  public static func pass(_ id: CheckID, _ seen: String) -> CheckResult {
    CheckResult(id, .pass, seen: seen)
  }

  /// A skipped check and why.
  public static func skip(_ id: CheckID, _ why: String) -> CheckResult {
    CheckResult(id, .skip, seen: why)
  }

  /// A warning: what was seen and what to change.
  public static func warn(_ id: CheckID, _ seen: String, fix: String, goPlugin: String? = nil) -> CheckResult {
    CheckResult(id, .warn, seen: seen, fix: fix, goPlugin: goPlugin)
  }

  /// A failure: what was seen and what to change.
  public static func fail(_ id: CheckID, _ seen: String, fix: String, goPlugin: String? = nil) -> CheckResult {
    CheckResult(id, .fail, seen: seen, fix: fix, goPlugin: goPlugin)
  }
}
