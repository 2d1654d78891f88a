import PluginHost

/// `check --host NAME`: the generic go-plugin checks judged for one real host, pure. A check the
/// host does not care about (health for a host that never checks it, KV for a host that never
/// calls it, the broker for a host that never uses it) is SKIP instead of FAIL or WARN, and says
/// what it saw; a host that uses the broker FAILs a plugin without it; everything else stands.
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
    if !profile.broker { ids.append(.brokerStream) }
    return ids
  }

  /// `result` as this host sees it.
  public func judge(_ result: CheckResult) -> CheckResult {
    if result.id == .brokerStream, profile.broker, result.status != .pass {
      return .fail(
        .brokerStream, "\(profile.name) uses the broker: \(result.seen)",
        fix: "Serve plugin.GRPCBroker/StartStream and keep it open: \(profile.name) hands the plugin its services "
          + "over brokered connections (go-plugin's GRPCBroker).")
    }
    guard notNeeded.contains(result.id), result.status == .fail || result.status == .warn else { return result }
    let why: String
    switch result.id {
    case .healthServing: why = "\(profile.name) never calls grpc.health.v1.Health"
    case .brokerStream: why = "\(profile.name) does not use the broker"
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
