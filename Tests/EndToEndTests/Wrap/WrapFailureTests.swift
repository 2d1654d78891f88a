import Foundation
import PluginHost
import TestSupport
import Testing

/// A plugin that fails before its handshake under `plugin-dev wrap` and the genuine go-plugin
/// host: the log keeps the diagnosis every time (it is written before the host sees the line and
/// kills wrap), and the host's own log shows the cause at its default level (`info`).
@Suite(
  "wrap when the plugin fails under a genuine host", .enabled(if: GoToolchain.shouldTest), .serialized,
  .timeLimit(.minutes(10)))
struct WrapFailureTests {
  struct Outcome {
    var host: GoHostRun
    var log: [String]
    var transcript: String { "\(host.transcript)\nlog:\n\(log.joined(separator: "\n"))" }
    /// The host's log line (info level) carrying wrap's diagnosis.
    var hostError: String? { host.stderr.first { $0.contains("[ERROR]") && $0.contains("plugin-dev wrap:") } }
  }

  /// The host (at info level, as hosts run) on `plugin` through `wrap --log`.
  static func wrapped(_ plugin: [String], hostArguments: [String] = []) async throws -> Outcome {
    try #require(GoToolchain.isAvailable, "\(GoToolchain.installHint)")
    let folder = try Fixtures.temporaryDirectory("plugin-dev-wrap-failure")
    defer { try? FileManager.default.removeItem(at: folder) }
    let log = folder.appendingPathComponent("w.jsonl").path
    let host = try await GoHostRun.run(
      [PluginDevCLI.executable, "wrap", "--log", log, "--"] + plugin,
      hostArguments: ["-loglevel", "info"] + hostArguments)
    let lines = (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
    return Outcome(host: host, log: lines)
  }

  /// Junk before the handshake (the host kills wrap the moment it reads it) and an early exit,
  /// 20 times each: the run that lost its diagnosis did so about half the time.
  @Test(arguments: ["junk-before.sh", "early-exit.sh"])
  func theLogHasTheDiagnosisEveryTime(_ fixture: String) async throws {
    for run in 1...20 {
      let outcome = try await Self.wrapped([PluginDevCLI.fixture(fixture)])
      #expect(outcome.host.status == .exited(1), "run \(run)\n\(outcome.transcript)")
      #expect(
        outcome.log.contains { $0.contains("\"event\":\"handshake-failed\"") }, "run \(run)\n\(outcome.transcript)")
      #expect(outcome.hostError != nil, "run \(run)\n\(outcome.transcript)")
      if outcome.hostError == nil { return }
    }
  }

  @Test func theHostShowsWhyTheJunkWasRefused() async throws {
    let outcome = try await Self.wrapped([PluginDevCLI.fixture("junk-before.sh")])
    let error = try #require(outcome.hostError, "\(outcome.transcript)")
    #expect(error.contains("text before the handshake") && error.contains("starting up..."), "\(error)")
    #expect(outcome.host.stdout.first?.hasPrefix("start: Unrecognized remote plugin message: starting up...") == true)
  }

  @Test func theHostShowsAnEarlyExitWithThePluginsLastStderrLine() async throws {
    let outcome = try await Self.wrapped([PluginDevCLI.fixture("early-exit.sh")])
    let error = try #require(outcome.hostError, "\(outcome.transcript)")
    #expect(error.contains("exit code 3"), "\(error)")
    #expect(error.contains("plugin_stderr=\"Error: config file /etc/kv/config.hcl not found\""), "\(error)")
  }

  /// README's recipe with a Python that cannot import grpc (`-S`: no site-packages): the host
  /// shows the plugin's own explanation, not only a blank `Unrecognized remote plugin message:`.
  @Test func theHostShowsAnImportError() async throws {
    let plugin = [
      Fixtures.python, "-S", Fixtures.packageRoot.appendingPathComponent("Examples/kv-python/plugin.py").path,
    ]
    let outcome = try await Self.wrapped(plugin)
    let error = try #require(outcome.hostError, "\(outcome.transcript)")
    #expect(error.contains("Python could not import a module"), "\(error)")
    #expect(error.contains("cannot import grpc"), "\(error)")
  }

  /// A handshake printed and never flushed: the host waits for its start timeout and SIGKILLs
  /// wrap, so wrap says so beforehand (after 5 s), in the log and in the host's log. 20 runs at once.
  @Test func anUnflushedHandshakeIsNotedBeforeTheHostKillsWrap() async throws {
    let plugin = ["/usr/bin/env", "-u", "PYTHONUNBUFFERED", Fixtures.python, PluginDevCLI.fixture("unflushed.py")]
    let outcomes = try await withThrowingTaskGroup(of: Outcome.self) { group in
      for _ in 1...20 { group.addTask { try await Self.wrapped(plugin, hostArguments: ["-start-timeout", "8s"]) } }
      return try await group.reduce(into: []) { $0.append($1) }
    }
    for outcome in outcomes {
      #expect(outcome.host.stdout.first == "start: timeout while waiting for plugin to start", "\(outcome.transcript)")
      #expect(
        outcome.log.contains { $0.contains("\"event\":\"notice\"") && $0.contains("no handshake line after 5 s") },
        "\(outcome.transcript)")
      #expect(
        outcome.host.stderr.contains { $0.contains("[WARN]") && $0.contains("no handshake line after 5 s") },
        "\(outcome.transcript)")
    }
  }
}
