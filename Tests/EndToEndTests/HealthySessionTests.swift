import Foundation
import PluginHost
import Testing
import TestSupport

/// A healthy session ends with no diagnosis: the handshake verdict is final once given, and the
/// stop sequence (or a stdout that closes early, as a go-plugin 1.0.1 Go plugin's does) is not
/// judged as a start (issue #16 item 1).
@Suite("healthy sessions end clean", .timeLimit(.minutes(5)))
struct HealthySessionTests {
  /// Runs put/get through `run --headless`, in text or JSON, and expects no diagnosis at all.
  func expectCleanSession(_ plugin: [String], json: Bool, noBuild: Bool = false, runs: Int) async throws {
    for run in 1...runs {
      var arguments = ["run", "--headless", "--no-frames", "--exec", "put a hello", "--exec", "get a"]
      if json { arguments.append("--json") }
      if noBuild { arguments.append("--no-build") }
      let result = try await PluginDevCLI.run(
        arguments + plugin, workingDirectory: try Fixtures.temporaryDirectory())
      #expect(result.status == .exited(0), "run \(run)\n\(result.transcript)")
      if json {
        #expect(result.events("handshake-failed").isEmpty, "run \(run)\n\(result.transcript)")
        #expect(result.events("call").map { $0["code"] as? String } == ["ok", "ok"], "run \(run)\n\(result.transcript)")
        #expect(result.events("exited").first?["expected"] as? Bool == true, "run \(run)\n\(result.transcript)")
      } else {
        #expect(!result.stdout.contains { $0.hasPrefix("FAILED") }, "run \(run)\n\(result.transcript)")
        #expect(result.stdout.filter { $0.hasPrefix("call ") && $0.contains(" → ok ") }.count == 2, "run \(run)\n\(result.transcript)")
        #expect(result.stdout.contains("exited    exit code 0"), "run \(run)\n\(result.transcript)")
      }
      if result.status != .exited(0) { return }
    }
  }

  /// The Go template on Debian's go-plugin 1.0.1: Serve replaces os.Stdout after the handshake and
  /// Go's GC closes the old one whenever it runs; this used to end 9 runs in 10 with FAILED.
  @Test(.enabled(if: GoToolchain.shouldTest), arguments: [false, true])
  func goTemplatePlugin(json: Bool) async throws {
    try #require(GoToolchain.isAvailable, "Go or Debian's go-plugin sources are missing: \(GoToolchain.installHint)")
    let folder = try await GoToolchain.goTemplatePlugin()
    try await expectCleanSession([folder], json: json, noBuild: true, runs: 8)
  }

  /// A fixture whose stdout closes right after its handshake (`early`), or when it gets Shutdown (`late`).
  @Test(arguments: [("early", false), ("early", true), ("late", false), ("late", true)])
  func stdoutClosingFixture(when: String, json: Bool) async throws {
    try await expectCleanSession(
      ["--", Fixtures.python, PluginDevCLI.fixture("closes-stdout.py"), when], json: json, runs: 3)
  }
}
