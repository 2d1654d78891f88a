import Foundation
import PluginCheck
import PluginHost
import TestSupport
import Testing

/// `plugin-dev check` against real plugins: the examples and a fresh template pass; each fixture
/// plugin fails exactly its check, with its message.
@Suite("plugin-dev check", .timeLimit(.minutes(10)))
struct CheckEndToEndTests {
  /// The `check` objects of a `--json` run, by id.
  func checks(_ result: PluginDevCLI.Result) -> [String: [String: Any]] {
    Dictionary(result.events("check").compactMap { event in (event["id"] as? String).map { ($0, event) } }) { a, _ in a
    }
  }

  /// The ids of the failed checks.
  func failed(_ result: PluginDevCLI.Result) -> Set<String> {
    Set(result.events("check").filter { $0["status"] as? String == "fail" }.compactMap { $0["id"] as? String })
  }

  /// Every check reported once, in order, none failed, exit 0.
  func expectAllPass(_ result: PluginDevCLI.Result) {
    #expect(result.status == .exited(0), "\(result.transcript)")
    #expect(
      result.events("check").compactMap { $0["id"] as? String } == CheckID.allCases.map(\.rawValue),
      "\(result.transcript)")
    #expect(failed(result).isEmpty, "\(result.transcript)")
    let summary = result.events("summary").first
    #expect(summary?["exitCode"] as? Int == 0, "\(result.transcript)")
    #expect(summary?["failed"] as? Int == 0)
    #expect(summary?["passed"] as? Int ?? 0 >= 17, "\(result.transcript)")
  }

  @Test func builtInSwiftPluginPasses() async throws {
    let result = try await PluginDevCLI.run(["check", "--json"])
    expectAllPass(result)
    let byID = checks(result)
    #expect((byID["handshake.present"]?["seen"] as? String)?.hasPrefix("`1|1|unix|") == true)
    #expect(byID["kv.roundtrip"]?["status"] as? String == "pass", "\(result.transcript)")
    #expect(byID["port.range"]?["status"] as? String == "skip")
    #expect(byID["cookie.refused"]?["status"] as? String == "pass")
    #expect(byID["negotiation.unsupported-version"]?["status"] as? String == "pass")
    #expect(byID["tls.auto-mtls"]?["status"] as? String == "pass", "PluginServer serves AutoMTLS\n\(result.transcript)")
  }

  @Test func swiftExampleExecutablePasses() async throws {
    let result = try await PluginDevCLI.run(["check", "--json", "--", Fixtures.executable("kv-swift")])
    expectAllPass(result)
    #expect(checks(result)["stdio.stream"]?["status"] as? String == "pass", "\(result.transcript)")
    #expect(checks(result)["tls.auto-mtls"]?["status"] as? String == "pass", "\(result.transcript)")
  }

  @Test func pythonExampleAsACommandPasses() async throws {
    let result = try await PluginDevCLI.run(
      [
        "check", "--json", "--", Fixtures.python,
        Fixtures.packageRoot.appendingPathComponent("Examples/kv-python/plugin.py").path,
      ],
      workingDirectory: try Fixtures.temporaryDirectory())
    expectAllPass(result)
    let byID = checks(result)
    #expect(byID["port.range"]?["status"] as? String == "pass", "\(result.transcript)")
    #expect(byID["kv.roundtrip"]?["status"] as? String == "pass", "\(result.transcript)")
    #expect(byID["stdio.stream"]?["status"] as? String == "pass")
    // It serves reflection (grpcio-reflection), so that check passes too.
    #expect(byID["reflection"]?["status"] as? String == "pass", "\(result.transcript)")
    #expect(byID["reflection.descriptors"]?["status"] as? String == "pass", "\(result.transcript)")
    // Like go-plugin's own Python example it serves plaintext only: a warning, with the Go host's message.
    #expect(byID["tls.auto-mtls"]?["status"] as? String == "warn", "\(result.transcript)")
    #expect(
      (byID["tls.auto-mtls"]?["goPlugin"] as? String)?.contains("first record does not look like a TLS handshake")
        == true)
  }

  @Test func pythonTemplatePasses() async throws {
    let dir = try Fixtures.temporaryDirectory("plugin-dev-check-new")
    let made = try await PluginDevCLI.run(["new", "kv", "kvpy", "--lang", "python", "--dir", dir.path])
    #expect(made.status == .exited(0), "\(made.transcript)")
    let result = try await PluginDevCLI.run(
      ["check", "--json", dir.appendingPathComponent("kvpy").path], timeout: .seconds(400))
    expectAllPass(result)
    #expect(result.stderr.contains { $0.hasPrefix("build     done") }, "the build step ran\n\(result.transcript)")
    #expect(checks(result)["port.range"]?["status"] as? String == "pass")
  }

  /// The Go template, built as its README says works without a module proxy: GOPATH mode against
  /// Debian's go-plugin 1.0.1. That version has no GRPCStdio and no reflection, so those two warn.
  @Test(.enabled(if: GoToolchain.shouldTest)) func goTemplateBuiltAgainstDebianGoPluginPasses() async throws {
    try #require(GoToolchain.isAvailable, "Go or Debian's go-plugin sources are missing: \(GoToolchain.installHint)")
    let folder = try await GoToolchain.goTemplatePlugin()
    let result = try await PluginDevCLI.run(["check", "--json", "--no-build", folder])
    expectAllPass(result)
    let byID = checks(result)
    #expect((byID["handshake.present"]?["seen"] as? String)?.hasPrefix("`1|1|unix|") == true, "\(result.transcript)")
    #expect(
      (byID["handshake.present"]?["seen"] as? String)?.contains("|grpc|`") == true,
      "a Go plugin prints an empty field 6")
    #expect(byID["kv.roundtrip"]?["status"] as? String == "pass", "\(result.transcript)")
    #expect(byID["stderr.hclog"]?["status"] as? String == "pass", "\(result.transcript)")
    #expect(byID["cookie.refused"]?["status"] as? String == "pass", "\(result.transcript)")
    #expect(
      byID["stdio.stream"]?["status"] as? String == "warn", "go-plugin 1.0.1 has no GRPCStdio\n\(result.transcript)")
    // go-plugin's own AutoMTLS (P-521 both ways) against plugin-dev's host side.
    #expect(byID["tls.auto-mtls"]?["status"] as? String == "pass", "\(result.transcript)")
  }

  @Test func textOutputHasOneLinePerCheckAndASummary() async throws {
    let result = try await PluginDevCLI.run(["check"])
    #expect(result.status == .exited(0), "\(result.transcript)")
    #expect(result.stdout.count == CheckID.allCases.count + 1, "\(result.transcript)")
    for (line, id) in zip(result.stdout, CheckID.allCases) {
      #expect(["PASS  ", "WARN  ", "SKIP  "].contains(String(line.prefix(6))), "\(line)")
      #expect(line.dropFirst(6).hasPrefix(id.rawValue + " "), "\(line)")
    }
    #expect(result.stdout.contains { $0.hasPrefix("PASS  kv.roundtrip ") })
    let summary = try #require(result.stdout.last)
    #expect(
      summary.range(of: #"^checks: \d+ passed, \d+ warned, 0 failed, \d+ skipped$"#, options: .regularExpression)
        != nil, "\(summary)")
  }

  /// A fixture plugin, the one check it must fail or warn about, and what the genuine go-plugin
  /// host does with it (GoHostVerdictTests holds every FAIL to "a host refuses, hangs or loses data"
  /// and every WARN to "a host loads it").
  struct FixtureCase: Sendable, CustomTestStringConvertible {
    var file: String
    var failing: CheckID
    var seen: String
    var extra: [String] = []
    /// What the genuine host does: nil for a WARN (it loads the plugin and calls it).
    var host: HostVerdict?
    var testDescription: String { file }

    var command: [String] {
      let path = PluginDevCLI.fixture(file)
      return file.hasSuffix(".py") ? [Fixtures.python, path] : [path]
    }
  }

  /// What the genuine go-plugin host does with a plugin that fails a check.
  enum HostVerdict: Sendable {
    /// It refuses it (exits 1 before its calls, or a call fails); under AutoMTLS when `autoMTLS`.
    case refuses(autoMTLS: Bool = false)
    /// It waits past its timeout (for a start, or for the plugin's output to end).
    case hangs
    /// It gets back other bytes than it stored.
    case losesData
    /// It kills the plugin (SIGKILL after 2 s) instead of a graceful exit: what it had not written is lost.
    case killsIt
    /// It panics (exit 2) reading the plugin's output.
    case crashes
  }

  /// Every check that FAILs, each with the fixture that fails exactly it.
  static let failing: [FixtureCase] = [
    FixtureCase(
      file: "early-exit.sh", failing: .handshakePresent,
      seen: "the plugin ended (exit code 3) before printing a handshake",
      host: .refuses()),
    FixtureCase(
      file: "silent.sh", failing: .handshakePresent, seen: "nothing on stdout within 1 s", extra: ["--timeout", "1s"],
      host: .hangs),
    FixtureCase(
      file: "check-junk.py", failing: .handshakeNoJunk, seen: "stdout line 1 was `starting up...`, not the handshake",
      host: .refuses()),
    FixtureCase(
      file: "unflushed.py", failing: .handshakeFlushed, seen: "arrived only after plugin-dev sent SIGINT/SIGTERM",
      extra: ["--timeout", "1500ms"], host: .hangs),
    FixtureCase(
      file: "bad-core.sh", failing: .handshakeFields, seen: "bad core protocol version: `2|1|tcp|127.0.0.1:1234|grpc`",
      host: .refuses()),
    FixtureCase(file: "netrpc.sh", failing: .handshakeFields, seen: "unsupported protocol", host: .refuses()),
    FixtureCase(
      file: "check-version.py", failing: .handshakeVersion, seen: "app protocol version mismatch: `1|2|tcp|127.0.0.1:",
      host: .refuses()),
    FixtureCase(
      file: "check-cert.py", failing: .handshakeCert, seen: "AutoMTLS certificate: `1|1|tcp|", host: .refuses()),
    FixtureCase(
      file: "long-socket.sh", failing: .handshakeSocketPath, seen: "socket path too long", host: .refuses()),
    FixtureCase(
      file: "unreachable.sh", failing: .handshakeReachable,
      seen: "nothing accepts connections at 127.0.0.1:1 (connect: connection refused)", host: .refuses()),
    FixtureCase(
      file: "check-no-health.py", failing: .healthServing,
      seen: "→ UNIMPLEMENTED: the plugin has no grpc.health.v1.Health",
      host: .refuses()),
    FixtureCase(
      file: "check-kv-corrupt.py", failing: .kvRoundTrip, seen: "first difference at byte 128 (0xef instead of 0x80)",
      host: .losesData),
    FixtureCase(
      file: "check-no-controller.py", failing: .controllerShutdown,
      seen: "plugin.GRPCController/Shutdown → UNIMPLEMENTED",
      host: .killsIt),
    FixtureCase(
      file: "check-slow-exit.py", failing: .shutdownExit, seen: "still running 2 s after Shutdown", host: .killsIt),
    FixtureCase(
      file: "check-leaves-child.py", failing: .shutdownNoChildren, seen: "1 process outlived the plugin: pid ",
      host: .hangs),
    FixtureCase(
      file: "check-hclog-crash.py", failing: .stderrHCLog, seen: "@message is not a string", host: .crashes),
    // Not judged by the fixture host: it offers only version 1, which this plugin answers correctly;
    // a host offering a version the plugin lacks is accepted and then calls an API the plugin does not have.
    FixtureCase(
      file: "check-claims-offered.py", failing: .negotiationUnsupportedVersion,
      seen: "offered only 99,100 it answered version 99"),
    FixtureCase(
      file: "check-tls-plaintext.py", failing: .autoMTLS,
      seen: "but the mutual TLS connection failed: handshake failed: WRONG_VERSION_NUMBER",
      host: .refuses(autoMTLS: true)),
  ]

  /// The checks that WARN about what a go-plugin host accepts, each with its fixture.
  static let warning: [FixtureCase] = [
    FixtureCase(file: "check-port-outside.py", failing: .portRange, seen: "outside PLUGIN_MIN_PORT..PLUGIN_MAX_PORT"),
    FixtureCase(
      file: "check-not-serving.py", failing: .healthServing, seen: "Health/Check(\"plugin\") → NOT_SERVING; go-plugin's"
    ),
    FixtureCase(
      file: "check-bad-hclog.py", failing: .stderrHCLog, seen: "@level \"warning\" is not trace|debug|info|warn|error"),
    FixtureCase(
      file: "check-long-line.py", failing: .stderrLineLength, seen: "bytes; a go-plugin host reads 64 KiB at a time"),
    FixtureCase(
      file: "check-ignores-cookie.py", failing: .cookieRefused,
      seen: "started without BASIC_PLUGIN it printed a handshake"),
  ]

  @Test("each broken plugin fails exactly its check", .serialized, arguments: failing)
  func brokenPlugin(_ c: FixtureCase) async throws {
    let result = try await PluginDevCLI.run(["check", "--json"] + c.extra + ["--"] + c.command)
    #expect(result.status == .exited(1), "\(result.transcript)")
    #expect(failed(result) == [c.failing.rawValue], "\(result.transcript)")
    let check = checks(result)[c.failing.rawValue]
    #expect((check?["seen"] as? String)?.contains(c.seen) == true, "\(result.transcript)")
    #expect((check?["fix"] as? String)?.isEmpty == false)
    #expect(result.events("summary").first?["failedChecks"] as? [String] == [c.failing.rawValue])
    #expect(result.events("check").count == CheckID.allCases.count)
  }

  @Test("what a host accepts is a warning, not a failure", .serialized, arguments: warning)
  func acceptedPlugin(_ c: FixtureCase) async throws {
    let result = try await PluginDevCLI.run(["check", "--json"] + c.extra + ["--"] + c.command)
    #expect(result.status == .exited(0), "\(result.transcript)")
    #expect(failed(result).isEmpty, "\(result.transcript)")
    let check = checks(result)[c.failing.rawValue]
    #expect(check?["status"] as? String == "warn", "\(result.transcript)")
    #expect((check?["seen"] as? String)?.contains(c.seen) == true, "\(result.transcript)")
  }

  @Test func theLeftoverChildIsKilled() async throws {
    let result = try await PluginDevCLI.run([
      "check", "--json", "--", Fixtures.python, PluginDevCLI.fixture("check-leaves-child.py"),
    ])
    let seen = try #require(checks(result)["shutdown.no-children"]?["seen"] as? String)
    let pidText = try #require(seen.range(of: #"pid (\d+)"#, options: .regularExpression).map { seen[$0].dropFirst(4) })
    let pid = try #require(Int32(pidText))
    #expect(!PluginDevCLI.isAlive(pid), "sleep 300 (pid \(pid)) is still running")
  }

  /// Without --min-port/--max-port a random 100-port window is offered; given, even with go-plugin's
  /// default values, the range is used as given.
  @Test func portRangeOptionsAreHonouredEvenWithDefaultValues() async throws {
    let plugin = [Fixtures.python, PluginDevCLI.fixture("check-good.py")]
    let given = try await PluginDevCLI.run(
      ["check", "--json", "--min-port", "10000", "--max-port", "25000", "--"] + plugin)
    let seen = checks(given)["port.range"]?["seen"] as? String
    #expect(seen?.hasSuffix("= 10000..25000") == true, "\(given.transcript)")
    let random = try await PluginDevCLI.run(["check", "--json", "--"] + plugin)
    let window = checks(random)["port.range"]?["seen"] as? String
    #expect(
      window?.contains("= 10000..25000") == false && window?.contains("PLUGIN_MIN_PORT") == true, "\(random.transcript)"
    )
  }

  @Test func theSharedFixturePluginPasses() async throws {
    let result = try await PluginDevCLI.run([
      "check", "--json", "--", Fixtures.python, PluginDevCLI.fixture("check-good.py"),
    ])
    expectAllPass(result)
  }

  /// A fixture plugin and the one warning-only check it must warn on (exit 0, nothing failed).
  struct WarningCase: Sendable, CustomTestStringConvertible {
    var file: String
    var warning: CheckID
    var seen: String
    var testDescription: String { file }
  }

  @Test(
    "warnings alone exit zero", .serialized,
    arguments: [
      WarningCase(file: "check-stray-stdout.py", warning: .stdoutAfterHandshake, seen: "debug: connected to database"),
      WarningCase(
        file: "check-no-stdio.py", warning: .stdioStream, seen: "plugin.GRPCStdio/StreamStdio → UNIMPLEMENTED"),
    ])
  func warningsAloneExitZero(_ c: WarningCase) async throws {
    let result = try await PluginDevCLI.run(["check", "--json", "--", Fixtures.python, PluginDevCLI.fixture(c.file)])
    #expect(result.status == .exited(0), "\(result.transcript)")
    #expect(failed(result).isEmpty, "\(result.transcript)")
    let check = checks(result)[c.warning.rawValue]
    #expect(check?["status"] as? String == "warn", "\(result.transcript)")
    #expect((check?["seen"] as? String)?.contains(c.seen) == true, "\(result.transcript)")
    #expect((check?["fix"] as? String)?.isEmpty == false)
    let warned = Set(
      result.events("check").filter { $0["status"] as? String == "warn" }.compactMap { $0["id"] as? String })
    // The Python fixtures have no reflection and, like go-plugin's Python example, no AutoMTLS.
    #expect(
      warned.subtracting([CheckID.reflection.rawValue, CheckID.autoMTLS.rawValue]) == [c.warning.rawValue],
      "\(result.transcript)")
  }

  @Test func aPluginThatCannotStartExitsTwo() async throws {
    let missing = try await PluginDevCLI.run(["check", "--json", "/nonexistent/plugin"])
    #expect(missing.status == .exited(2), "\(missing.transcript)")
    #expect((missing.events("summary").first?["startFailure"] as? String)?.contains("no such file or folder") == true)

    let folder = try Fixtures.temporaryDirectory("plugin-dev-check-build")
    try #"{"build": "echo 'error: boom' >&2; exit 3", "command": ["./never-built"]}"#
      .write(to: folder.appendingPathComponent("plugin.json"), atomically: true, encoding: .utf8)
    let broken = try await PluginDevCLI.run(["check", folder.path])
    #expect(broken.status == .exited(2), "\(broken.transcript)")
    #expect(broken.stderr.contains("build   | error: boom"), "\(broken.transcript)")
    #expect(
      broken.stderr.contains { $0.contains("the build step") && $0.contains("failed (exit code 3)") },
      "\(broken.transcript)")
  }
}
