import Foundation
import PluginHost
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `plugin-dev wrap` under the genuine go-plugin host (Tests/Fixtures/gohost): invisible to the
/// host, logging what it says, leaving nothing behind.
@Suite(
  "wrap under a genuine go-plugin host", .enabled(if: GoToolchain.shouldTest), .serialized, .timeLimit(.minutes(5)))
struct WrapTests {
  /// Runs the host on `plugin` (a command line).
  func host(_ plugin: [String], autoMTLS: Bool = false) async throws -> GoHostRun {
    try #require(GoToolchain.isAvailable, "Go or Debian's go-plugin sources are missing: \(GoToolchain.installHint)")
    return try await GoHostRun.run(plugin, autoMTLS: autoMTLS)
  }

  static func log(_ path: String) -> [[String: Any]] {
    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    return text.split(separator: "\n").compactMap {
      (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
    }
  }

  /// The request paths of the log's HEADERS frames, in order.
  static func requestPaths(_ log: [[String: Any]]) -> [String] {
    log.compactMap { line -> String? in
      guard let summary = line["summary"] as? String, summary.hasPrefix("HEADERS /") else { return nil }
      return String(summary.dropFirst("HEADERS ".count))
    }
  }

  struct Plugin: Sendable, CustomTestStringConvertible {
    var name: String
    var autoMTLS: Bool
    var testDescription: String { name + (autoMTLS ? " with AutoMTLS" : "") }
    func command() async throws -> [String] {
      switch name {
      case "kv-swift": return [Fixtures.executable("kv-swift")]
      case "kv-swift over tcp": return ["/usr/bin/env", "KV_PLUGIN_NETWORK=tcp", Fixtures.executable("kv-swift")]
      case "python example":
        return [Fixtures.python, Fixtures.packageRoot.appendingPathComponent("Examples/kv-python/plugin.py").path]
      default: return [try await GoToolchain.goTemplatePlugin() + "/kvgo"]
      }
    }
  }

  @Test(
    "the host's calls pass through and are logged in its order",
    arguments: [
      Plugin(name: "kv-swift", autoMTLS: false), Plugin(name: "kv-swift", autoMTLS: true),
      Plugin(name: "kv-swift over tcp", autoMTLS: true), Plugin(name: "python example", autoMTLS: false),
      Plugin(name: "go template", autoMTLS: false),
      Plugin(name: "go template", autoMTLS: true),
    ])
  func theHostsCallsPassThrough(_ plugin: Plugin) async throws {
    let folder = try Fixtures.temporaryDirectory("plugin-dev-wrap-log")
    defer { try? FileManager.default.removeItem(at: folder) }
    let logPath = folder.appendingPathComponent("wrap.jsonl").path
    let capture = folder.appendingPathComponent("wrap.pcapng").path
    let outcome = try await host(
      [PluginDevCLI.executable, "wrap", "--log", logPath, "--pcap", capture, "--"] + (try await plugin.command()),
      autoMTLS: plugin.autoMTLS)
    #expect(outcome.status == .exited(0), "\(outcome.transcript)")
    #expect(outcome.stdout == ["get greeting = hello from a Go host", "ping ok"], "\(outcome.transcript)")
    #expect(!outcome.stderr.contains { $0.contains("plugin failed to exit gracefully") }, "\(outcome.transcript)")
    let log = Self.log(logPath)
    #expect(log.first?["event"] as? String == "header" && log.first?["version"] as? Int == 2)
    #expect(log.first?["writer"] as? String == "wrap" && log.first?["autoMTLS"] as? Bool == plugin.autoMTLS)
    #expect(log.contains { $0["event"] as? String == "handshake" }, "\(log.prefix(5))")
    #expect(log.contains { $0["event"] as? String == "tap" }, "the handshake was relayed: \(log.prefix(5))")
    let paths = Self.requestPaths(log)
    // go-plugin 1.0.1's order: the host's Put, the broker stream it opens, Get, Ping (health), Shutdown at Kill().
    for path in ["/proto.KV/Put", "/plugin.GRPCBroker/StartStream", "/proto.KV/Get", "/grpc.health.v1.Health/Check"] {
      #expect(paths.contains(path), "\(paths)")
    }
    let put = paths.firstIndex(of: "/proto.KV/Put") ?? .max
    let get = paths.firstIndex(of: "/proto.KV/Get") ?? -1
    let ping = paths.lastIndex(of: "/grpc.health.v1.Health/Check") ?? -1
    #expect(put < get && get < ping, "\(paths)")
    #expect(paths.last == "/plugin.GRPCController/Shutdown", "\(paths)")
    #expect(log.last?["event"] as? String == "finished", "\(String(describing: log.last))")
    #expect(log.contains { $0["event"] as? String == "exited" })
    // Nothing left running once the host is done: wrap, the plugin.
    let pids = [log.first?["pid"], log.first { $0["event"] as? String == "started" }?["pid"]].compactMap { $0 as? Int }
    #expect(pids.count == 2, "\(log.prefix(3))")
    for pid in pids { #expect(!PluginDevCLI.isAlive(Int32(pid)), "pid \(pid) outlived the host") }

    // view reads the log back: the host's calls, in its order.
    let view = try await PluginDevCLI.run(["view", "--headless", logPath])
    #expect(view.status == .exited(0), "\(view.transcript)")
    #expect(view.stdout.first?.hasPrefix("log       \(logPath): written by wrap") == true, "\(view.transcript)")
    #expect(view.stdout.contains { $0.hasPrefix("host      pid ") && $0.contains("kvhost") }, "\(view.transcript)")
    // wrap passed the host's environment on; none of it came from a plugin-dev of the user's.
    #expect(
      view.stdout.contains { $0.contains("variables inherited from the host's environment") }
        && !view.stdout.contains { $0.contains("plugin-dev's environment") }, "\(view.transcript)")
    let viewed = view.stdout.compactMap { line -> String? in
      guard line.hasPrefix("frame "), let range = line.range(of: "HEADERS /") else { return nil }
      return String(line[range.upperBound...]).split(separator: " ").first.map { "/" + $0 }
    }
    #expect(viewed == paths, "\(view.transcript)")

    // The capture: what tshark dissects is what the log holds, frame for frame (decrypted under AutoMTLS).
    try #require(Tshark.path != nil, "tshark is missing: \(Tshark.installHint)")
    let read = log.compactMap { $0["text"] as? String }.first { $0.contains("-d tcp.port==") }
    let port = try #require(
      read?.components(separatedBy: "tcp.port==").last?.split(separator: ",").first.flatMap { Int($0) }, "\(log)")
    let frames = log.filter { $0["kind"] as? String == "frame" }
    let types = try await Tshark.values(of: "http2.type", in: capture, http2Port: port)
    #expect(types.count == frames.count, "tshark sees \(types.count) HTTP/2 frames, the log \(frames.count)")
    let tsharkPaths = try await Tshark.values(of: "http2.headers.path", in: capture, http2Port: port)
    #expect(tsharkPaths == paths, "tshark: \(tsharkPaths)\nlog: \(paths)")
  }

  /// A plugin that fails before its handshake: the host says exactly what it says without wrap.
  @Test(arguments: ["early-exit.sh", "junk-before.sh"])
  func failuresBeforeTheHandshakeReadTheSame(_ fixture: String) async throws {
    let direct = try await host([PluginDevCLI.fixture(fixture)])
    let wrapped = try await host([PluginDevCLI.executable, "wrap", "--", PluginDevCLI.fixture(fixture)])
    #expect(direct.status == .exited(1), "\(direct.transcript)")
    #expect(wrapped.status == direct.status, "\(wrapped.transcript)")
    #expect(wrapped.stdout == direct.stdout, "direct:\n\(direct.transcript)\nwrapped:\n\(wrapped.transcript)")
  }

  /// A plugin that ignores AutoMTLS fails under an AutoMTLS host with wrap as without it: wrap
  /// does not make a broken plugin work by doing the TLS for it.
  @Test func aPluginWithoutAutoMTLSFailsTheSameThroughWrap() async throws {
    let plugin = [Fixtures.python, Fixtures.packageRoot.appendingPathComponent("Examples/kv-python/plugin.py").path]
    let direct = try await host(plugin, autoMTLS: true)
    let wrapped = try await host([PluginDevCLI.executable, "wrap", "--"] + plugin, autoMTLS: true)
    #expect(direct.stdout.first?.contains("tls: first record does not look like a TLS handshake") == true)
    #expect(wrapped.status == direct.status, "\(wrapped.transcript)")
    #expect(wrapped.stdout == direct.stdout, "direct:\n\(direct.transcript)\nwrapped:\n\(wrapped.transcript)")
  }

  static let hostEnvironment = [
    "BASIC_PLUGIN": "hello", "PLUGIN_PROTOCOL_VERSIONS": "1", "PLUGIN_MIN_PORT": "10000", "PLUGIN_MAX_PORT": "25000",
  ]

  /// Starts wrap on the Python example as a host would and waits for the handshake; returns wrap, its output and the plugin's pid.
  func wrapPython(log: String) async throws -> (PluginProcess, OutputCollector, Int32) {
    let wrap = try await PluginDevCLI.start(
      [
        "wrap", "--log", log, "--", Fixtures.python,
        Fixtures.packageRoot.appendingPathComponent("Examples/kv-python/plugin.py").path,
      ],
      environment: Self.hostEnvironment)
    let output = OutputCollector(process: wrap)
    _ = try await output.line { _ in true }  // the handshake
    let pid = Self.log(log).first { $0["event"] as? String == "started" }?["pid"] as? Int
    return (wrap, output, Int32(try #require(pid, "no pid in the log: \(output.stderr)")))
  }

  @Test func aHostThatSIGKILLsWrapLeavesNoPlugin() async throws {
    let folder = try Fixtures.temporaryDirectory("plugin-dev-wrap-kill")
    defer { try? FileManager.default.removeItem(at: folder) }
    let (wrap, output, plugin) = try await wrapPython(log: folder.appendingPathComponent("w.jsonl").path)
    #expect(output.stdout.first?.hasPrefix("1|1|tcp|127.0.0.1:") == true, "\(output.stdout)")
    #expect(PluginDevCLI.isAlive(plugin))
    kill(wrap.pid, SIGKILL)
    _ = await wrap.waitForExit(timeout: .seconds(30))
    try? await waitUntil(30, "the plugin ending") { !PluginDevCLI.isAlive(plugin) }
    #expect(!PluginDevCLI.isAlive(plugin), "the plugin outlived wrap")
  }

  @Test func aHostThatGoesAwayStopsThePlugin() async throws {
    let folder = try Fixtures.temporaryDirectory("plugin-dev-wrap-gone")
    defer { try? FileManager.default.removeItem(at: folder) }
    let log = folder.appendingPathComponent("w.jsonl").path
    // A "host" that reads the handshake and exits without Kill(): wrap's stdout pipe closes.
    let script = "\"$0\" wrap --log \"$1\" -- \"$2\" \"$3\" | head -1"
    let shell = try await PluginProcess.start(
      .init(
        executable: "/bin/sh",
        arguments: [
          "-c", script, PluginDevCLI.executable, log, Fixtures.python,
          Fixtures.packageRoot.appendingPathComponent("Examples/kv-python/plugin.py").path,
        ], environment: Self.hostEnvironment))
    let output = OutputCollector(process: shell)
    _ = await shell.waitForExit(timeout: .seconds(30))
    await output.finished()
    #expect(output.stdout.first?.hasPrefix("1|1|tcp|") == true, "\(output.stdout)")
    var lines = Self.log(log)
    try? await waitUntil(30, "wrap finishing its log") {
      lines = Self.log(log)
      return lines.last?["event"] as? String == "finished"
    }
    #expect(lines.last?["event"] as? String == "finished", "\(lines)")
    let pid = lines.first { $0["event"] as? String == "started" }?["pid"] as? Int
    #expect(!PluginDevCLI.isAlive(Int32(try #require(pid))))
  }

  @Test func viewFollowsALogWhileWrapWritesIt() async throws {
    let folder = try Fixtures.temporaryDirectory("plugin-dev-wrap-view")
    defer { try? FileManager.default.removeItem(at: folder) }
    let log = folder.appendingPathComponent("w.jsonl").path
    let (wrap, _, plugin) = try await wrapPython(log: log)
    let view = try await PluginDevCLI.start(["view", "--headless", log])
    let output = OutputCollector(process: view)
    _ = try await output.line { $0.hasPrefix("note      following ") }
    #expect(output.stdout.contains { $0.hasPrefix("handshake 1|1|tcp|127.0.0.1:") }, "\(output.stdout)")
    #expect(output.stdout.contains { $0.hasPrefix("note      following \(log)") }, "\(output.stdout)")
    #expect(view.exitStatus == nil, "view waits while wrap writes")
    // The host stops the plugin: wrap ends, and view with it, having shown the end.
    kill(wrap.pid, SIGTERM)
    #expect(await wrap.waitForExit(timeout: .seconds(30)) != nil)
    #expect(await view.waitForExit(timeout: .seconds(30)) == .exited(0), "\(output.stdout)")
    await output.finished()
    #expect(output.stdout.contains { $0.hasPrefix("exited    ") }, "\(output.stdout)")
    #expect(!PluginDevCLI.isAlive(plugin))
  }

  @Test func aPluginThatCrashesMidCallLeavesNothingBehind() async throws {
    let folder = try Fixtures.temporaryDirectory("plugin-dev-wrap-crash")
    defer { try? FileManager.default.removeItem(at: folder) }
    let logPath = folder.appendingPathComponent("w.jsonl").path
    let outcome = try await host([
      PluginDevCLI.executable, "wrap", "--log", logPath, "--", Fixtures.python, PluginDevCLI.fixture("crashes.py"),
    ])
    // The host's Get fails as it does without wrap, and it sees the plugin die the same way.
    let direct = try await host([Fixtures.python, PluginDevCLI.fixture("crashes.py")])
    #expect(outcome.status == .exited(1), "\(outcome.transcript)")
    #expect(outcome.stdout == direct.stdout, "direct:\n\(direct.transcript)\nwrapped:\n\(outcome.transcript)")
    let ending = { (run: GoHostRun) in
      run.stderr.first { $0.contains("plugin process exited") }?.components(separatedBy: " error=").last
    }
    #expect(ending(direct) == "\"signal: aborted\"", "\(direct.transcript)")
    #expect(ending(outcome) == ending(direct), "\(outcome.transcript)")
    let log = Self.log(logPath)
    let exited = log.first { $0["event"] as? String == "exited" }
    #expect(
      (exited?["status"] as? [String: Any])?["signaled"] != nil, "the plugin's own end: \(String(describing: exited))")
    #expect(log.last?["event"] as? String == "finished", "wrap finished its log")
    let wrap = try #require(log.first?["pid"] as? Int)
    let plugin = try #require(log.first { $0["event"] as? String == "started" }?["pid"] as? Int)
    try? await waitUntil(30, "wrap and the plugin ending") {
      !PluginDevCLI.isAlive(Int32(wrap)) && !PluginDevCLI.isAlive(Int32(plugin))
    }
    #expect(!PluginDevCLI.isAlive(Int32(wrap)), "wrap is gone")
    #expect(!PluginDevCLI.isAlive(Int32(plugin)), "the plugin is gone")
    #expect(Self.requestPaths(log).contains("/proto.KV/Get"), "the call it died in is in the log")
  }
}
