import Foundation
import PluginHost
import TestSupport
import Testing

/// `--cookie KEY=VALUE` gives a bare command its host's cookie, variable and value (the inventory
/// example checks INVENTORY_PLUGIN=stock); `--cookie VALUE` keeps the manifest's variable.
@Suite("--cookie KEY=VALUE", .timeLimit(.minutes(3)))
struct CookieOptionTests {
  static let plugin = [
    "--", Fixtures.python, Fixtures.packageRoot.appendingPathComponent("Examples/inventory-python/plugin.py").path,
  ]

  @Test func aBareCommandGetsItsHostsCookie() async throws {
    let result = try await PluginDevCLI.run(
      ["run", "--headless", "--json", "--cookie", "INVENTORY_PLUGIN=stock", "--exec", "health"] + Self.plugin,
      workingDirectory: try Fixtures.temporaryDirectory())
    #expect(result.status == .exited(0), "\(result.transcript)")
    let environment = result.events("started").first?["environment"] as? [String: String]
    #expect(environment?["INVENTORY_PLUGIN"] == "stock", "\(result.transcript)")
    #expect(environment?["BASIC_PLUGIN"] == nil, "the manifest's cookie is not sent beside it")
    #expect(result.events("health").first?["status"] as? String == "SERVING", "\(result.transcript)")
  }

  /// check's run without the cookie leaves out the variable given, and the plugin refuses to start.
  @Test func checkRemovesTheGivenCookie() async throws {
    let result = try await PluginDevCLI.run(
      ["check", "--json", "--cookie", "INVENTORY_PLUGIN=stock"] + Self.plugin, timeout: .seconds(120))
    let cookie = result.events("check").first { $0["id"] as? String == "cookie.refused" }
    #expect(cookie?["status"] as? String == "pass", "\(result.transcript)")
    #expect((cookie?["seen"] as? String)?.hasPrefix("started without INVENTORY_PLUGIN") == true, "\(result.transcript)")
  }

  /// Without the variable, the diagnosis says how to give it.
  @Test func theWrongCookieSaysHowToGiveIt() async throws {
    let result = try await PluginDevCLI.run(["run", "--headless", "--json", "--cookie", "stock"] + Self.plugin)
    let hint = result.events("handshake-failed").first?["hint"] as? String
    #expect(hint?.contains("--cookie KEY=VALUE") == true, "\(result.transcript)")
  }
}
