import Foundation
import PluginHost
import TestSupport
import Testing

/// A genuine go-plugin host (go-plugin 1.0.1's `plugin.NewClient`, Tests/Fixtures/gohost) loads the
/// project's plugins and calls Put, Get and Ping, with and without AutoMTLS.
@Suite("genuine go-plugin host", .enabled(if: GoToolchain.shouldTest), .serialized, .timeLimit(.minutes(5)))
struct GoHostTests {
  /// Runs the host on `plugin` (a command line).
  func host(_ plugin: [String], autoMTLS: Bool = false) async throws -> GoHostRun {
    try #require(GoToolchain.isAvailable, "Go or Debian's go-plugin sources are missing: \(GoToolchain.installHint)")
    return try await GoHostRun.run(plugin, autoMTLS: autoMTLS)
  }

  func expectWorks(_ outcome: GoHostRun, autoMTLS: Bool) {
    #expect(outcome.status == .exited(0), "\(outcome.transcript)")
    #expect(outcome.stdout == ["get greeting = hello from a Go host", "ping ok"], "\(outcome.transcript)")
    #expect(
      outcome.stderr.contains { $0.contains("configuring client automatic mTLS") } == autoMTLS, "\(outcome.transcript)")
    #expect(
      !outcome.stderr.contains { $0.contains("plugin failed to exit gracefully") },
      "Shutdown must end it within 2 s\n\(outcome.transcript)")
  }

  @Test(arguments: [false, true])
  func loadsTheSwiftExample(autoMTLS: Bool) async throws {
    expectWorks(try await host([Fixtures.executable("kv-swift")], autoMTLS: autoMTLS), autoMTLS: autoMTLS)
  }

  @Test func loadsTheSwiftExampleOverTCP() async throws {
    let outcome = try await host(
      ["/usr/bin/env", "KV_PLUGIN_NETWORK=tcp", Fixtures.executable("kv-swift")], autoMTLS: true)
    expectWorks(outcome, autoMTLS: true)
    #expect(
      outcome.stderr.contains { $0.contains("plugin address") && $0.contains("network=tcp") }, "\(outcome.transcript)")
  }

  @Test func loadsThePythonExample() async throws {
    let plugin = [Fixtures.python, Fixtures.packageRoot.appendingPathComponent("Examples/kv-python/plugin.py").path]
    expectWorks(try await host(plugin, autoMTLS: false), autoMTLS: false)
  }

  /// What `check` warns about: a plaintext plugin under an AutoMTLS host fails on the first call.
  @Test func aPlaintextPluginFailsUnderAutoMTLS() async throws {
    let plugin = [Fixtures.python, Fixtures.packageRoot.appendingPathComponent("Examples/kv-python/plugin.py").path]
    let outcome = try await host(plugin, autoMTLS: true)
    #expect(outcome.status == .exited(1), "\(outcome.transcript)")
    #expect(
      outcome.stdout.first?.contains("tls: first record does not look like a TLS handshake") == true,
      "\(outcome.transcript)")
  }

  @Test func loadsTheGoTemplateWithAutoMTLS() async throws {
    try #require(GoToolchain.isAvailable, "Go or Debian's go-plugin sources are missing: \(GoToolchain.installHint)")
    let folder = try await GoToolchain.goTemplatePlugin()
    expectWorks(try await host([folder + "/kvgo"], autoMTLS: true), autoMTLS: true)
    try await NewTemplateTests().expectWrapRecipeWorks(URL(fileURLWithPath: folder))
  }
}
