import Foundation
import PluginHost
import TestSupport
import Testing

/// What a new user tripped on (issue #16 items 2 and 4): nothing hides the plugin's bugs, and
/// help, output and behaviour agree.
@Suite("first use", .timeLimit(.minutes(4)))
struct FirstUseTests {
  /// With PYTHONUNBUFFERED=1 in plugin-dev's environment (as on this machine), `run` still shows
  /// an unflushed handshake as a user's host would see it, and says why; `--env` passes it on.
  @Test func runDoesNotPassPYTHONUNBUFFEREDOn() async throws {
    let plugin = ["--", Fixtures.python, PluginDevCLI.fixture("unflushed.py")]
    let hidden = try await PluginDevCLI.run(
      ["run", "--headless", "--json", "--timeout", "1500ms"] + plugin, environment: ["PYTHONUNBUFFERED": "1"])
    #expect(hidden.status == .exited(2), "\(hidden.transcript)")
    #expect(
      hidden.events("handshake-failed").first?["title"] as? String == "handshake not flushed", "\(hidden.transcript)")
    #expect((hidden.events("started").first?["unset"] as? [String])?.contains("PYTHONUNBUFFERED") == true)
    let notes = hidden.events("notice").compactMap { $0["text"] as? String }
    #expect(notes.contains { $0.hasPrefix("PYTHONUNBUFFERED is set here but not passed on") }, "\(notes)")

    let passed = try await PluginDevCLI.run(
      ["run", "--headless", "--json", "--timeout", "10s", "--env", "PYTHONUNBUFFERED=1", "--exec", "health"] + plugin,
      environment: ["PYTHONUNBUFFERED": "1"])
    #expect(passed.events("handshake").count == 1, "\(passed.transcript)")

    // Not a Python plugin: no note about a Python variable.
    let swift = try await PluginDevCLI.run(
      ["run", "--headless", "--json", "--exec", "health"], environment: ["PYTHONUNBUFFERED": "1"])
    let swiftNotes = swift.events("notice").compactMap { $0["text"] as? String }
    #expect(!swiftNotes.contains { $0.contains("PYTHONUNBUFFERED") }, "\(swiftNotes)")
  }

  /// An exception in a Python handler reaches the Logs as one hclog ERROR line with file and line.
  @Test func aPythonHandlerExceptionIsLoggedWithItsTraceback() async throws {
    let result = try await PluginDevCLI.run(
      ["run", "--headless", "--json", "--exec", "get boom", "--", Fixtures.python, PluginDevCLI.fixture("raises.py")])
    #expect(result.status == .exited(1), "the call fails\n\(result.transcript)")
    #expect(result.events("call").first?["code"] as? String == "unknown", "\(result.transcript)")
    let errors = result.events("log").filter { $0["level"] as? String == "error" }
    let traceback = errors.compactMap { ($0["fields"] as? [String: String])?["traceback"] }.first
    #expect(traceback?.contains("raises.py\", line 10") == true, "\(errors)")
    #expect(traceback?.contains("ZeroDivisionError") == true, "\(errors)")
  }

  /// Live `--json` frames are numbered like the export: 1, 2, 3, …
  @Test func liveFramesCarrySequenceNumbers() async throws {
    let export = try Fixtures.temporaryDirectory().appendingPathComponent("frames.jsonl")
    let result = try await PluginDevCLI.run(
      ["run", "--headless", "--json", "--health-interval", "0", "--exec", "put a b", "--export", export.path])
    let sequences = result.events("frame").compactMap { ($0["frame"] as? [String: Any])?["sequence"] as? Int }
    #expect(!sequences.isEmpty, "\(result.transcript)")
    #expect(sequences == Array(1...sequences.count), "\(sequences)")
    let exported = try String(contentsOf: export, encoding: .utf8).split(separator: "\n").compactMap {
      ((try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any])?["sequence"] as? Int
    }
    #expect(exported == sequences)
  }

  /// `check --help` offers exactly what check accepts, and says how often it starts the plugin.
  /// A mistake in the arguments points at the subcommand's help, and says what to do.
  @Test func mistakesPointAtTheCommandsOwnHelp() async throws {
    let missing = try await PluginDevCLI.run(["run", "./no-such-plugin"])
    #expect(missing.status == .exited(64), "\(missing.transcript)")
    #expect(
      missing.stderr.contains { $0.contains("./no-such-plugin: no such file or folder") }, "\(missing.transcript)")
    #expect(missing.stderr.contains { $0.contains("plugin-dev run --help") }, "\(missing.transcript)")
    let env = try await PluginDevCLI.run(["env", "./no-such-plugin"])
    #expect(env.stderr.contains { $0.contains("plugin-dev env --help") }, "\(env.transcript)")
    let mtls = try await PluginDevCLI.run(["check", "--auto-mtls"])
    #expect(mtls.status == .exited(64), "\(mtls.transcript)")
    #expect(mtls.stderr.contains { $0.contains("check runs AutoMTLS by itself") }, "\(mtls.transcript)")
  }

  @Test func checkHelpMatchesWhatCheckAccepts() async throws {
    let help = try await PluginDevCLI.run(["check", "--help"])
    let text = help.stdout.joined(separator: "\n")
    #expect(text.contains("started four times"), "\(text)")
    for refused in ["--auto-mtls", "--no-cookie"] {
      #expect(!text.contains(refused), "check --help offers \(refused)")
      let result = try await PluginDevCLI.run(["check", refused])
      #expect(result.status == .exited(64), "\(refused): \(result.transcript)")
    }
    #expect(!text.contains("(default 10000)"), "check picks a random port window")
    #expect(text.contains("64 a usage error"))
    let runHelp = try await PluginDevCLI.run(["run", "--help"])
    #expect(runHelp.stdout.joined(separator: "\n").contains("--auto-mtls"))
  }

  /// `restart` runs the build step again (a Go or Swift plugin must not restart stale), unless --no-build.
  @Test func restartRunsTheBuildStepAgain() async throws {
    let folder = try Fixtures.temporaryDirectory()
    let manifest: [String: Any] = [
      "name": "rebuilt", "build": "echo building", "command": [Fixtures.executable("kv-swift")],
    ]
    try JSONSerialization.data(withJSONObject: manifest).write(to: folder.appendingPathComponent("plugin.json"))
    let result = try await PluginDevCLI.run(
      ["run", "--headless", "--json", "--exec", "restart", "--exec", "health", folder.path], workingDirectory: folder)
    #expect(result.status == .exited(0), "\(result.transcript)")
    #expect(result.events("build-finished").count == 2, "\(result.transcript)")
    #expect(result.events("started").count == 2)
    let skipped = try await PluginDevCLI.run(
      ["run", "--headless", "--json", "--no-build", "--exec", "restart", folder.path], workingDirectory: folder)
    #expect(skipped.events("build").isEmpty, "\(skipped.transcript)")
    #expect(skipped.events("notice").contains { ($0["text"] as? String)?.contains("no build step") == true })
  }

  /// A build that fails because Go is older than go.mod says what to do.
  @Test func aGoVersionMismatchGetsAHint() {
    let hint = BuildStep.hint(forOutput: ["go: go.mod file indicates go 1.24, but maximum supported version is 1.19"])
    #expect(hint?.contains("GO111MODULE=off") == true)
    #expect(BuildStep.hint(forOutput: ["error: something else"]) == nil)
  }
}
