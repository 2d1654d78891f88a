import Foundation
import PluginCheck
import PluginHost
import PluginProtocol
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `plugin-dev env`, a plugin started by hand with that environment, then `run --attach`
/// (issue #15 items 1 and 2): the same session, no process control.
@Suite("attach: a plugin started by hand", .timeLimit(.minutes(3)))
struct AttachTests {
  /// A plugin started by hand with what `plugin-dev env --json` prints, and its handshake line.
  struct ByHand {
    let process: PluginProcess
    let output: OutputCollector
    let line: String

    static func start(
      _ command: [String], folder: URL, envArguments: [String] = [], extra: [String: String] = [:]
    ) async throws -> ByHand {
      let env = try await PluginDevCLI.run(["env", "--json"] + envArguments + ["--"] + command)
      let object = try #require(env.events.first, "\(env.transcript)")
      let environment = try #require(object["environment"] as? [String: String])
      let process = try await PluginProcess.start(
        .init(
          executable: command[0], arguments: Array(command.dropFirst()),
          environment: environment.merging(extra.merging(["KV_STORE_DIR": folder.path]) { a, _ in a }) { _, b in b },
          removedEnvironment: object["unset"] as? [String] ?? []))
      let output = OutputCollector(process: process)
      let line = try #require(
        await output.firstStdoutLine(timeout: .seconds(60)), "no handshake: \(output.stderr.joined(separator: "\n"))")
      return ByHand(process: process, output: output, line: line)
    }

    func end() async {
      if process.exitStatus == nil { await process.kill() }
      await output.finished()
    }
  }

  static func notices(_ result: PluginDevCLI.Result) -> [String] {
    result.events("notice").compactMap { $0["text"] as? String }
  }

  /// put/get, frames and health through the tap; the stop sends Shutdown, which the Python
  /// plugin honours: it ends by itself (plugin-dev never signals it).
  @Test func runAttachThenShutdownHonoured() async throws {
    let folder = try Fixtures.temporaryDirectory("plugin-dev-attach")
    defer { try? FileManager.default.removeItem(at: folder) }
    let plugin = try await ByHand.start(
      [Fixtures.python, Fixtures.packageRoot.appendingPathComponent("Examples/kv-python/plugin.py").path],
      folder: folder)
    // A restart in between only reconnects: the value put before it is still there after it.
    let result = try await PluginDevCLI.run(
      [
        "run", "--attach", plugin.line, "--headless", "--json", "--for", "3s", "--exec", "put a by-hand", "--exec",
        "restart", "--exec", "get a",
      ])
    #expect(result.status == .exited(0), "\(result.transcript)")
    #expect(result.events("started").isEmpty, "attach started a process")
    #expect(result.events("handshake").first?["address"] != nil, "\(result.transcript)")
    #expect(result.events("call").last?["result"] as? String == "by-hand", "\(result.transcript)")
    #expect(result.events("health").contains { $0["status"] as? String == "SERVING" }, "\(result.transcript)")
    let frames = result.events("frame").compactMap { $0["frame"] as? [String: Any] }
    #expect(frames.contains { $0["method"] as? String == "/proto.KV/Put" }, "no Put frame")
    let shutdowns = frames.filter {
      $0["method"] as? String == "/plugin.GRPCController/Shutdown" && $0["direction"] as? String == "hostToPlugin"
        && ($0["summary"] as? String)?.hasPrefix("HEADERS") == true
    }
    #expect(shutdowns.count == 1, "Shutdown sent \(shutdowns.count) times (only at the end)")
    #expect(Self.notices(result).contains { $0.hasPrefix("disconnecting from the attached plugin") })
    let status = await plugin.process.waitForExit(timeout: .seconds(15))
    #expect(status == .exited(0), "the plugin did not end after Shutdown: \(String(describing: status))")
    #expect(Self.notices(result).contains { $0.hasPrefix("detached: the plugin no longer accepts connections") })
    await plugin.end()
  }

  /// A plugin without a Controller (Shutdown refused) that ignores SIGTERM: after the stop it
  /// still runs, and plugin-dev says it left it running.
  @Test func runAttachLeavesAPluginThatRefusesShutdown() async throws {
    let folder = try Fixtures.temporaryDirectory("plugin-dev-attach-stubborn")
    defer { try? FileManager.default.removeItem(at: folder) }
    let plugin = try await ByHand.start([Fixtures.python, PluginDevCLI.fixture("stubborn.py")], folder: folder)
    let result = try await PluginDevCLI.run(
      ["run", "--attach", plugin.line, "--headless", "--json", "--for", "2s"])
    #expect(result.events("health").contains { $0["status"] as? String == "SERVING" }, "\(result.transcript)")
    #expect(
      Self.notices(result).contains { $0.hasPrefix("detached: the plugin still accepts connections") },
      "\(result.transcript)")
    #expect(plugin.process.exitStatus == nil && PluginDevCLI.isAlive(plugin.process.pid), "the plugin was stopped")
    await plugin.end()
  }

  /// Paused (SIGSTOP, as at a breakpoint): health times out, plugin-dev says so and stays;
  /// resumed, it answers again.
  @Test func aPausedPluginIsNotDead() async throws {
    let folder = try Fixtures.temporaryDirectory("plugin-dev-attach-pause")
    defer { try? FileManager.default.removeItem(at: folder) }
    let plugin = try await ByHand.start(
      [Fixtures.python, Fixtures.packageRoot.appendingPathComponent("Examples/kv-python/plugin.py").path],
      folder: folder)
    defer { kill(plugin.process.pid, SIGCONT) }
    let session = try await PluginDevCLI.start([
      "run", "--attach", plugin.line, "--headless", "--json", "--for", "120s",
    ])
    let output = OutputCollector(process: session)
    func waitFor(_ text: String, seconds: Double) async throws -> Bool {
      try await output.line(containing: text, within: seconds) != nil
    }
    #expect(try await waitFor("\"status\":\"SERVING\"", seconds: 60), "no health answer")
    kill(plugin.process.pid, SIGSTOP)
    #expect(try await waitFor("paused at a breakpoint?", seconds: 60), "\(output.stdout.joined(separator: "\n"))")
    #expect(output.exitStatus == nil, "the session ended while the plugin was paused")
    kill(plugin.process.pid, SIGCONT)
    #expect(try await waitFor("the plugin answers again", seconds: 60), "\(output.stdout.joined(separator: "\n"))")
    kill(session.pid, SIGTERM)
    _ = await session.waitForExit(timeout: .seconds(30))
    await output.finished()
    await plugin.end()
  }

  /// `check --attach`: the service checks run, the ones that need a launch are SKIP with the reason.
  @Test func checkAttach() async throws {
    let folder = try Fixtures.temporaryDirectory("plugin-dev-attach-check")
    defer { try? FileManager.default.removeItem(at: folder) }
    let plugin = try await ByHand.start(
      [Fixtures.python, Fixtures.packageRoot.appendingPathComponent("Examples/kv-python/plugin.py").path],
      folder: folder)
    let result = try await PluginDevCLI.run(["check", "--attach", plugin.line, "--json"])
    #expect(result.status == .exited(0), "\(result.transcript)")
    let checks = Dictionary(
      result.events("check").compactMap { e in (e["id"] as? String).map { ($0, e) } }, uniquingKeysWith: { a, _ in a })
    #expect(Set(checks.keys) == Set(CheckID.allCases.map(\.rawValue)), "every check once: \(checks.keys.sorted())")
    for id in ["handshake.fields", "handshake.reachable", "health.serving", "kv.roundtrip", "controller.shutdown"] {
      #expect(checks[id]?["status"] as? String == "pass", "\(id): \(checks[id] ?? [:])")
    }
    for id in ["handshake.present", "stderr.hclog", "shutdown.exit", "cookie.refused", "tls.auto-mtls", "port.range"] {
      #expect(checks[id]?["status"] as? String == "skip", "\(id): \(checks[id] ?? [:])")
      #expect((checks[id]?["seen"] as? String)?.hasPrefix("attached: ") == true, "\(id): \(checks[id] ?? [:])")
    }
    // Shutdown was honoured: the plugin ended by itself.
    #expect(await plugin.process.waitForExit(timeout: .seconds(15)) == .exited(0))
    await plugin.end()
  }

  /// An AutoMTLS plugin on a unix socket: env wrote the host's key, `--mtls-dir` hands it to the
  /// relay, and the calls go over mutual TLS (the frame log shows them decrypted).
  @Test func runAttachWithAutoMTLS() async throws {
    let folder = try Fixtures.temporaryDirectory("plugin-dev-attach-mtls")
    defer { try? FileManager.default.removeItem(at: folder) }
    let keys = folder.appendingPathComponent("keys").path
    let plugin = try await ByHand.start(
      [Fixtures.executable("kv-swift")], folder: folder, envArguments: ["--auto-mtls", "--mtls-dir", keys],
      extra: ["KV_PLUGIN_NETWORK": "unix"])
    let line = try HandshakeLine.parse(plugin.line, expecting: .init(clientCertificateSent: true))
    #expect(line.network == .unix && line.carriesCertificate, "\(plugin.line)")
    let withoutKeys = try await PluginDevCLI.run(["run", "--attach", plugin.line, "--headless"])
    #expect(withoutKeys.status == .exited(64))
    #expect(withoutKeys.stderr.joined().contains("--mtls-dir"), "\(withoutKeys.transcript)")
    let result = try await PluginDevCLI.run(
      [
        "run", "--attach", plugin.line, "--mtls-dir", keys, "--headless", "--json", "--exec", "put a tls", "--exec",
        "get a",
      ])
    #expect(result.status == .exited(0), "\(result.transcript)")
    #expect(result.events("call").last?["result"] as? String == "tls", "\(result.transcript)")
    let frames = result.events("frame").compactMap { $0["frame"] as? [String: Any] }
    #expect(frames.contains { $0["method"] as? String == "/proto.KV/Get" }, "no decrypted Get frame")
    #expect(await plugin.process.waitForExit(timeout: .seconds(15)) != nil, "the plugin did not end after Shutdown")
    await plugin.end()
  }

  @Test func attachRefusesWhatItCannotUse() async throws {
    let notALine = try await PluginDevCLI.run(["run", "--attach", "starting up...", "--headless"])
    #expect(notALine.status == .exited(64), "\(notALine.transcript)")
    #expect(notALine.stderr.joined().contains("not a handshake line a go-plugin host accepts"))
    let withTarget = try await PluginDevCLI.run(["run", "--attach", "tcp:127.0.0.1:1", "--headless", "./x"])
    #expect(withTarget.status == .exited(64))
  }
}
