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
    #expect(fit.notNeeded == [.healthServing, .kvRoundTrip, .brokerStream])
    let failed = CheckResult.fail(.healthServing, "UNIMPLEMENTED", fix: "register it")
    let judged = fit.judge(failed)
    #expect(judged.status == .skip)
    #expect(judged.seen == "tfish never calls grpc.health.v1.Health; a generic go-plugin host would see: UNIMPLEMENTED")
    #expect(fit.judge(CheckResult.pass(.healthServing, "SERVING")).status == .pass, "a pass stays a pass")
    #expect(fit.judge(CheckResult.fail(.handshakeCert, "x", fix: "y")).status == .fail, "what it needs stands")
  }

  @Test func aHostThatChecksHealthAndCallsKVKeepsBoth() throws {
    let fit = HostFit(try Self.profile(health: true, services: ["proto.KV"]))
    #expect(fit.notNeeded == [.brokerStream], "a host that does not use the broker does not need it")
    let failed = CheckResult.fail(.kvRoundTrip, "different bytes", fix: "return them")
    #expect(fit.judge(failed) == failed)
  }
}

/// `broker.stream`: open passes, absent is a skip (a fail for a host that uses the broker), an
/// ended or failed stream warns.
@Suite("broker.stream")
struct BrokerCheckTests {
  @Test func outcomes() throws {
    #expect(ServiceChecks.broker(.open(bytes: 0)).status == .pass)
    #expect(ServiceChecks.broker(.open(bytes: 2)).seen.contains("offered 2 brokered connections"))
    #expect(ServiceChecks.broker(.ended(bytes: 0)).status == .warn)
    #expect(ServiceChecks.broker(.failed(code: .unimplemented, message: "x")).status == .skip)
    #expect(ServiceChecks.broker(.failed(code: .internalError, message: "boom")).status == .warn)
    #expect(!CheckID.brokerStream.canFail)
  }

  @Test func aHostThatUsesTheBrokerFailsAPluginWithoutIt() throws {
    var vault = try HostFitTests.profile(health: false, services: ["pb.Backend"])
    vault.broker = true
    let absent = ServiceChecks.broker(.failed(code: .unimplemented, message: "x"))
    let judged = HostFit(vault).judge(absent)
    #expect(judged.status == .fail && judged.seen.hasPrefix("tfish uses the broker: "), "\(judged)")
    #expect(HostFit(vault).judge(ServiceChecks.broker(.open(bytes: 0))).status == .pass)
    let terraform = try HostFitTests.profile(health: false, services: ["tfplugin6.Provider"])
    #expect(HostFit(terraform).notNeeded.contains(.brokerStream))
    #expect(HostFit(terraform).judge(ServiceChecks.broker(.ended(bytes: 0))).status == .skip)
  }
}
