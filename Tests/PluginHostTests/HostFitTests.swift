import Foundation
import PluginCheck
import PluginHost
import Testing

/// `check --host`: what a host does not care about is SKIP, with what was seen; the rest stands.
@Suite("check --host: HostFit")
struct HostFitTests {
  static func profile(health: Bool, services: [String]) throws -> HostProfile {
    var profile = try HostProfile.parse(
      Data(#"{"name": "tfish", "cookie": {"key": "K", "value": "v"}, "protocolVersions": [6]}"#.utf8), file: "t.json")
    profile.healthChecks = health
    profile.services = services
    return profile
  }

  @Test func aHostThatNeverChecksHealthSkipsHealthServing() throws {
    let fit = HostFit(try Self.profile(health: false, services: ["tfplugin6.Provider"]))
    #expect(fit.notNeeded == [.healthServing, .kvRoundTrip])
    let failed = CheckResult.fail(.healthServing, "UNIMPLEMENTED", fix: "register it")
    let judged = fit.judge(failed)
    #expect(judged.status == .skip)
    #expect(judged.seen == "tfish never calls grpc.health.v1.Health; a generic go-plugin host would see: UNIMPLEMENTED")
    #expect(fit.judge(CheckResult.pass(.healthServing, "SERVING")).status == .pass, "a pass stays a pass")
    #expect(fit.judge(CheckResult.fail(.handshakeCert, "x", fix: "y")).status == .fail, "what it needs stands")
  }

  @Test func aHostThatChecksHealthAndCallsKVKeepsBoth() throws {
    let fit = HostFit(try Self.profile(health: true, services: ["proto.KV"]))
    #expect(fit.notNeeded.isEmpty)
    let failed = CheckResult.fail(.kvRoundTrip, "different bytes", fix: "return them")
    #expect(fit.judge(failed) == failed)
  }
}
