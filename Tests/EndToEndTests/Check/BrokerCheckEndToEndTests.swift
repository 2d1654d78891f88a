import Foundation
import PluginCheck
import TestSupport
import Testing

/// `broker.stream` against real plugins: the Swift example serves plugin.GRPCBroker and keeps
/// StartStream open (PASS); the Python example does not serve it (SKIP), which a host that uses the
/// broker fails (`--host vault`).
@Suite("check: broker.stream", .timeLimit(.minutes(4)))
struct BrokerCheckEndToEndTests {
  static func status(_ result: PluginDevCLI.Result) -> (String?, String?) {
    let check = result.events("check").first { $0["id"] as? String == "broker.stream" }
    return (check?["status"] as? String, check?["seen"] as? String)
  }

  @Test func theSwiftExampleKeepsStartStreamOpen() async throws {
    let result = try await PluginDevCLI.run(
      ["check", "--json", "--", Fixtures.executable("kv-swift")], timeout: .seconds(180))
    let (status, seen) = Self.status(result)
    #expect(status == "pass", "\(result.transcript)")
    #expect(seen?.hasPrefix("StartStream is open") == true, "\(result.transcript)")
  }

  @Test func thePythonExampleHasNoBroker() async throws {
    let plugin = [Fixtures.python, Fixtures.packageRoot.appendingPathComponent("Examples/kv-python/plugin.py").path]
    let generic = try await PluginDevCLI.run(["check", "--json", "--"] + plugin, timeout: .seconds(180))
    #expect(Self.status(generic).0 == "skip", "\(generic.transcript)")
    #expect(generic.status == .exited(0), "a skip fails nothing: \(generic.transcript)")
    let vault = try await PluginDevCLI.run(
      ["check", "--json", "--host", "vault", "--cookie", "BASIC_PLUGIN=hello", "--versions", "1", "--"] + plugin,
      timeout: .seconds(180))
    let (status, seen) = Self.status(vault)
    #expect(status == "fail", "\(vault.transcript)")
    #expect(seen?.hasPrefix("vault uses the broker") == true, "\(vault.transcript)")
  }
}
