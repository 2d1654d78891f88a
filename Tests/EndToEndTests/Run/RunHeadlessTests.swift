import Foundation
import PluginHost
import TestSupport
import Testing

/// `plugin-dev run --headless --json` against real plugins, read as a script would read it.
@Suite("plugin-dev run (headless)", .timeLimit(.minutes(3)))
struct RunHeadlessTests {
  /// Checks a put/get session: handshake, SERVING, call results and the decoded frames.
  func expectKVSession(_ result: PluginDevCLI.Result) {
    #expect(result.status == .exited(0), "\(result.transcript)")
    #expect(result.events("handshake").count == 1, "\(result.transcript)")
    #expect(result.events("handshake-failed").isEmpty, "\(result.transcript)")
    #expect(result.events("health").first?["status"] as? String == "SERVING", "\(result.transcript)")
    let calls = result.events("call")
    #expect(calls.map { $0["code"] as? String } == ["ok", "ok"], "\(result.transcript)")
    #expect(calls.last?["result"] as? String == "hello")

    let frames = result.events("frame").compactMap { $0["frame"] as? [String: Any] }
    let putFrames = frames.filter { $0["method"] as? String == "/proto.KV/Put" }
    let requestHeaders = putFrames.first { frame in
      (frame["headers"] as? [[String: Any]])?.contains {
        $0["name"] as? String == ":path" && $0["value"] as? String == "/proto.KV/Put"
      } == true
    }
    #expect(requestHeaders != nil, "no HEADERS with :path /proto.KV/Put")
    #expect((requestHeaders?["summary"] as? String)?.contains("/proto.KV/Put") == true)
    let request = putFrames.first { ($0["messages"] as? [[String: Any]])?.first?["isRequest"] as? Bool == true }
    let requestMessage = (request?["messages"] as? [[String: Any]])?.first
    #expect(
      (requestMessage?["typeName"] as? String)?.hasSuffix("PutRequest") == true, "\(String(describing: requestMessage))"
    )
    #expect((requestMessage?["summary"] as? String)?.contains("\"a\"") == true, "\(String(describing: requestMessage))")
    let response = putFrames.first { ($0["messages"] as? [[String: Any]])?.first?["isRequest"] as? Bool == false }
    #expect(response != nil, "no decoded Put response")
    let trailers = putFrames.first { $0["grpcStatus"] != nil }
    #expect(trailers?["grpcStatus"] as? Int == 0, "no trailers with grpc-status 0 for Put")
  }

  @Test func builtInSwiftPlugin() async throws {
    let result = try await PluginDevCLI.run(["run", "--headless", "--json", "--exec", "put a hello", "--exec", "get a"])
    expectKVSession(result)
    let started = result.events("started").first
    #expect((started?["environment"] as? [String: String])?["BASIC_PLUGIN"] == "hello")
    #expect((started?["environment"] as? [String: String])?["PLUGIN_PROTOCOL_VERSIONS"] == "1")
    #expect(result.events("handshake").first?["network"] as? String == "unix")
  }

  /// `--auto-mtls`: PLUGIN_CLIENT_CERT goes out, the plugin answers with its certificate, the calls
  /// run over mutual TLS and the frame log still shows the decrypted HTTP/2.
  @Test(arguments: ["unix", "tcp"])
  func autoMTLSWithTheSwiftPlugin(network: String) async throws {
    let result = try await PluginDevCLI.run(
      [
        "run", "--headless", "--json", "--auto-mtls", "--exec", "put a hello", "--exec", "get a", "--",
        Fixtures.executable("kv-swift"),
      ], environment: ["KV_PLUGIN_NETWORK": network], workingDirectory: try Fixtures.temporaryDirectory())
    expectKVSession(result)
    let sent = (result.events("started").first?["environment"] as? [String: String])?["PLUGIN_CLIENT_CERT"]
    #expect(sent?.hasPrefix("-----BEGIN CERTIFICATE-----") == true, "\(result.transcript)")
    let raw = result.events("handshake").first?["raw"] as? String
    #expect((raw?.split(separator: "|").last?.count ?? 0) > 50, "a certificate in field 6: \(raw ?? "none")")
    #expect(result.events("handshake").first?["network"] as? String == network)
  }

  @Test func autoMTLSWithAPlaintextPluginIsDiagnosed() async throws {
    let result = try await PluginDevCLI.run(
      [
        "run", "--headless", "--json", "--auto-mtls", "--exec", "get a", "--",
        Fixtures.python, Fixtures.packageRoot.appendingPathComponent("Examples/kv-python/plugin.py").path,
      ], workingDirectory: try Fixtures.temporaryDirectory())
    #expect(result.status == .exited(2), "\(result.transcript)")
    let failed = result.events("handshake-failed").first
    #expect((failed?["title"] as? String) == "AutoMTLS certificate", "\(result.transcript)")
    #expect((failed?["hint"] as? String)?.contains("PLUGIN_CLIENT_CERT") == true, "\(result.transcript)")
  }

  @Test func pythonPluginAsACommand() async throws {
    let result = try await PluginDevCLI.run(
      [
        "run", "--headless", "--json", "--unset", "PYTHONUNBUFFERED", "--exec", "put a hello", "--exec", "get a", "--",
        Fixtures.python, Fixtures.packageRoot.appendingPathComponent("Examples/kv-python/plugin.py").path,
      ], workingDirectory: try Fixtures.temporaryDirectory())
    expectKVSession(result)
    #expect(result.events("handshake").first?["network"] as? String == "tcp")
  }

  @Test func textOutputIsReadable() async throws {
    let result = try await PluginDevCLI.run([
      "run", "--headless", "--exec", "put a hello", "--exec", "get a", "--exec", "get nope",
    ])
    #expect(result.status == .exited(1), "a failed call makes the exit status 1\n\(result.transcript)")
    let text = result.stdout.joined(separator: "\n")
    #expect(text.contains("handshake 1|1|unix|"))
    #expect(text.contains("health    SERVING"))
    #expect(text.contains("call      get a → ok hello"))
    #expect(text.contains("call      get nope → NOT_FOUND no value for key 'nope'"))
    #expect(text.contains("HEADERS /proto.KV/Put"))
  }

  /// A fixture and the title of the diagnosis it must produce.
  struct FailureCase: Sendable, CustomTestStringConvertible {
    var fixture: String
    var title: String
    var goPlugin: String?
    var extra: [String] = []
    var testDescription: String { fixture }
  }

  @Test(
    "each broken plugin gets its diagnosis",
    arguments: [
      FailureCase(
        fixture: "junk-before.sh", title: "text before the handshake",
        goPlugin: "Unrecognized remote plugin message: starting up..."),
      FailureCase(
        fixture: "silent.sh", title: "no handshake (timeout)", goPlugin: "timeout while waiting for plugin to start",
        extra: ["--timeout", "1s"]),
      FailureCase(
        fixture: "early-exit.sh", title: "plugin exited before the handshake",
        goPlugin: "Unrecognized remote plugin message: \nFailed to read any lines"),
      FailureCase(
        fixture: "no-cookie-check.sh", title: "plugin exited before the handshake", goPlugin: nil,
        extra: ["--no-cookie"]),
      FailureCase(
        fixture: "bad-version.sh", title: "app protocol version mismatch",
        goPlugin: "incompatible API version with plugin. Plugin version: 9, Client versions: [1]"),
      FailureCase(
        fixture: "bad-core.sh", title: "bad core protocol version",
        goPlugin: "incompatible core API version with plugin. Plugin version: 2, Core version: 1"),
      FailureCase(
        fixture: "bad-network.sh", title: "unsupported network", goPlugin: "unknown address type: 127.0.0.1:1234"),
      FailureCase(
        fixture: "netrpc.sh", title: "unsupported protocol",
        goPlugin: "unsupported plugin protocol \"netrpc\". Supported: [grpc]"),
      FailureCase(
        fixture: "four-fields.sh", title: "unsupported protocol", goPlugin: "unsupported plugin protocol \"netrpc\""),
      FailureCase(fixture: "unreachable.sh", title: "address unreachable", goPlugin: "rpc error: code = Unavailable"),
      FailureCase(fixture: "long-socket.sh", title: "socket path too long", goPlugin: nil),
    ])
  func diagnosis(_ c: FailureCase) async throws {
    let result = try await PluginDevCLI.run(
      ["run", "--headless", "--json"] + c.extra + ["--", PluginDevCLI.fixture(c.fixture)])
    #expect(result.status == .exited(2), "\(result.transcript)")
    let failure = result.events("handshake-failed").first
    #expect(failure?["title"] as? String == c.title, "\(result.transcript)")
    if let goPlugin = c.goPlugin {
      #expect((failure?["goPlugin"] as? String)?.hasPrefix(goPlugin) == true, "\(result.transcript)")
    }
    #expect((failure?["hint"] as? String)?.isEmpty == false)
    if let pid = result.events("started").first?["pid"] as? Int {
      #expect(!PluginDevCLI.isAlive(Int32(pid)), "the plugin is still running")
    }
  }

  @Test func cookieMessageIsExplained() async throws {
    let result = try await PluginDevCLI.run([
      "run", "--headless", "--json", "--no-cookie", "--", PluginDevCLI.fixture("no-cookie-check.sh"),
    ])
    let hint = result.events("handshake-failed").first?["hint"] as? String
    #expect(hint?.contains("magic cookie") == true, "\(result.transcript)")
  }

  @Test func unflushedHandshakeIsToldApartFromSilence() async throws {
    let result = try await PluginDevCLI.run(
      [
        "run", "--headless", "--json", "--timeout", "1500ms", "--", Fixtures.python,
        PluginDevCLI.fixture("unflushed.py"),
      ],
      removedEnvironment: ["PYTHONUNBUFFERED"])
    #expect(result.status == .exited(2), "\(result.transcript)")
    let failure = result.events("handshake-failed").first
    #expect(failure?["title"] as? String == "handshake not flushed", "\(result.transcript)")
    #expect(failure?["goPlugin"] as? String == "timeout while waiting for plugin to start")
    #expect((failure?["hint"] as? String)?.contains("flush") == true)
  }

  @Test func strayStdoutAndLongStderrLinesAreFlagged() async throws {
    let result = try await PluginDevCLI.run([
      "run", "--headless", "--json", "--for", "1500ms", "--", Fixtures.python, PluginDevCLI.fixture("stray-stdout.py"),
    ])
    #expect(result.status == .exited(0), "\(result.transcript)")
    #expect(
      result.events("stray-stdout").first?["line"] as? String == "debug: connected to database", "\(result.transcript)")
    let longPieces = result.events("log").filter {
      ($0["problems"] as? [String])?.contains { $0.contains("64 KiB") } == true
    }
    #expect(longPieces.count == 2, "a 70 KiB line comes in two pieces")
    #expect(result.events("health").first?["status"] as? String == "SERVING")
    let notices = result.events("notice").compactMap { $0["text"] as? String }
    #expect(notices.contains { $0.contains("GRPCStdio") }, "missing stdio service noted: \(notices)")
  }

  @Test func aStubbornPluginIsKilledAfterTwoSeconds() async throws {
    let folder = try Fixtures.temporaryDirectory("plugin-dev-stubborn")
    defer { try? FileManager.default.removeItem(at: folder) }
    let log = folder.appendingPathComponent("session.jsonl")
    let result = try await PluginDevCLI.run([
      "run", "--headless", "--json", "--export", log.path, "--exec", "health", "--", Fixtures.python,
      PluginDevCLI.fixture("stubborn.py"),
    ])
    #expect(result.status == .exited(0), "\(result.transcript)")
    // From "stopping" to the exit: the 2 s grace of go-plugin's Kill(), then SIGKILL. The times
    // are the log's, taken as the events happen (the live lines' are taken as they are written).
    let recorded = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").compactMap {
      (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
    }
    let stopping = recorded.first {
      $0["event"] as? String == "notice" && ($0["text"] as? String)?.hasPrefix("stopping") == true
    }
    let exited = recorded.first { $0["event"] as? String == "exited" }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let from = (stopping?["time"] as? String).flatMap(formatter.date(from:)),
      let to = (exited?["time"] as? String).flatMap(formatter.date(from:))
    {
      #expect(
        to.timeIntervalSince(from) >= 1.5 && to.timeIntervalSince(from) < 4, "stop took \(to.timeIntervalSince(from)) s"
      )
    } else {
      Issue.record("no stopping notice or exit event\n\(result.transcript)")
    }
    #expect(result.events("exited").first?["status"] as? String == "signal 9 (SIGKILL)")
    let notices = result.events("notice").compactMap { $0["text"] as? String }
    #expect(notices.contains { $0.contains("did not exit within 2 s") }, "\(notices)")
    for pid in Self.pids(in: result) { #expect(!PluginDevCLI.isAlive(pid), "pid \(pid) survived") }
  }

  @Test func sigtermToPluginDevLeavesNoPluginProcess() async throws {
    let process = try await PluginDevCLI.start([
      "run", "--headless", "--json", "--", Fixtures.python, PluginDevCLI.fixture("stubborn.py"),
    ])
    let output = OutputCollector(process: process)
    // Wait until the plugin is serving, then SIGTERM plugin-dev alone.
    _ = try await output.line(containing: "\"event\":\"health\"")
    kill(process.pid, SIGTERM)
    let status = await process.waitForExit(timeout: .seconds(10))
    await output.finished()
    let result = PluginDevCLI.Result(status: status, stdout: output.stdout, stderr: output.stderr)
    #expect(status == .exited(0), "\(result.transcript)")
    let pids = Self.pids(in: result)
    #expect(pids.count == 2, "plugin and grandchild pids: \(pids)\n\(result.transcript)")
    for pid in pids { #expect(!PluginDevCLI.isAlive(pid), "pid \(pid) survived") }
  }

  /// The plugin's pid and its grandchild's (from the stubborn fixture's stderr).
  static func pids(in result: PluginDevCLI.Result) -> [Int32] {
    var pids = result.events("started").compactMap { ($0["pid"] as? Int).map(Int32.init) }
    for log in result.events("log") {
      if let message = log["message"] as? String, message.hasPrefix("grandchild pid "),
        let pid = Int32(message.dropFirst(15))
      {
        pids.append(pid)
      }
    }
    return pids
  }
}
