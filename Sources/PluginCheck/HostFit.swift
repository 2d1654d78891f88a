import PluginHost

/// `check --host NAME`: the generic go-plugin checks judged for one real host, pure. A check the
/// host does not care about (health for a host that never checks it, KV for a host that never
/// calls it) is SKIP instead of FAIL or WARN, and says what it saw; everything else stands.
public struct HostFit: Sendable {
  /// The host.
  public let profile: HostProfile

  /// The judge for `profile`'s host.
  public init(_ profile: HostProfile) {
    self.profile = profile
  }

  /// The checks this host does not care about.
  public var notNeeded: [CheckID] {
    var ids: [CheckID] = []
    if !profile.healthChecks { ids.append(.healthServing) }
    if !profile.services.contains("proto.KV") { ids.append(.kvRoundTrip) }
    return ids
  }

  /// `result` as this host sees it.
  public func judge(_ result: CheckResult) -> CheckResult {
    guard notNeeded.contains(result.id), result.status == .fail || result.status == .warn else { return result }
    let why: String
    switch result.id {
    case .healthServing: why = "\(profile.name) never calls grpc.health.v1.Health"
    default: why = "\(profile.name) does not call proto.KV (it calls \(profile.services.joined(separator: ", ")))"
    }
    return .skip(result.id, "\(why); a generic go-plugin host would see: \(result.seen)")
  }

  /// `progress` with its results judged for this host.
  public func judge(_ progress: CheckProgress) -> CheckProgress {
    if case .result(let result) = progress { return .result(judge(result)) }
    return progress
  }
}
