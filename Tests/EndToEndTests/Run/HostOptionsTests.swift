import Foundation
import PluginHost
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `--socket-dir`, `--socket-group` and `--skip-host-env`: the options of a modern go-plugin host
/// (issue #15 item 5), against real plugins, with a group this test creates.
@Suite("host options: socket folder and group, SkipHostEnv", .timeLimit(.minutes(3)))
struct HostOptionsTests {
  /// A session of `run --headless --json` that stays up until `stop()`.
  struct Running {
    let process: PluginProcess
    let output: OutputCollector

    static func start(_ arguments: [String], environment: [String: String] = [:]) async throws -> Running {
      let process = try await PluginDevCLI.start(
        ["run", "--headless", "--json", "--for", "120s", "--health-interval", "0"] + arguments,
        environment: environment,
        workingDirectory: try Fixtures.temporaryDirectory())
      return Running(process: process, output: OutputCollector(process: process))
    }

    /// The first event named `name` (waiting up to 60 s).
    func event(_ name: String) async throws -> [String: Any]? {
      guard let found = try await output.line(containing: "\"event\":\"\(name)\"") else { return nil }
      return (try? JSONSerialization.jsonObject(with: Data(found.utf8))) as? [String: Any]
    }

    func stop() async {
      kill(process.pid, SIGTERM)
      if await process.waitForExit(timeout: .seconds(20)) == nil { await process.kill() }
      await output.finished()
    }

    var transcript: String { (output.stdout + output.stderr).joined(separator: "\n") }
  }

  /// Runs a command to its end; true on exit code 0.
  static func succeeds(_ executable: String, _ arguments: [String]) async throws -> Bool {
    let process = try await PluginProcess.start(.init(executable: executable, arguments: arguments))
    let output = OutputCollector(process: process)
    let status = await process.waitForExit(timeout: .seconds(30))
    await output.finished()
    return status == .exited(0)
  }

  /// Whether user nobody, with `group` as its only supplementary group (or none), can connect to the unix socket at `path`.
  static func nobodyConnects(to path: String, group: gid_t?) async throws -> Bool {
    try await succeeds(
      "setpriv",
      [
        "--reuid=65534", "--regid=65534", group.map { "--groups=\($0)" } ?? "--clear-groups", "/usr/bin/python3", "-c",
        "import socket, sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])", path,
      ])
  }

  static func attributes(_ path: String) throws -> (group: Int, mode: Int) {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return ((attributes[.groupOwnerAccountID] as? Int) ?? -1, (attributes[.posixPermissions] as? Int) ?? -1)
  }

  /// The Swift plugin (PluginListener) and the Python one (goplugin.py) give their socket, and
  /// the private folder they make for it, to PLUGIN_UNIX_SOCKET_GROUP; with --socket-dir the
  /// folder plugin-dev makes is the group's: a member of the group reaches the socket, another user does not.
  @Test(
    .enabled(if: getuid() == 0, "needs root to create a group and switch users"),
    arguments: [
      (plugin: "swift", socketDir: false), (plugin: "swift", socketDir: true), (plugin: "python", socketDir: false),
    ])
  func socketGroup(plugin: String, socketDir: Bool) async throws {
    let group = "pdtest\(UInt32.random(in: 0..<1_000_000))"
    try #require(try await Self.succeeds("groupadd", [group]), "groupadd \(group) failed")
    defer {
      let groupdel = Process()
      groupdel.executableURL = URL(fileURLWithPath: "/usr/sbin/groupdel")
      groupdel.arguments = [group]
      try? groupdel.run()
      groupdel.waitUntilExit()
    }
    let gid = try #require(getgrnam(group)?.pointee.gr_gid)
    let base = try Fixtures.temporaryDirectory("plugin-dev-socketdir")
    defer { try? FileManager.default.removeItem(at: base) }
    // The base must be enterable by the group member for the socket test (go-plugin's TempDir too).
    chmod(base.path, 0o755)
    var arguments = ["--socket-group", group]
    if socketDir { arguments += ["--socket-dir", base.path] }
    let command =
      plugin == "swift"
      ? [Fixtures.executable("kv-swift")]
      : [Fixtures.python, Fixtures.packageRoot.appendingPathComponent("Examples/kv-python/plugin.py").path]
    let running = try await Running.start(arguments + ["--"] + command, environment: ["KV_PLUGIN_NETWORK": "unix"])
    let handshake = try await running.event("handshake")
    let socket = try #require(handshake?["address"] as? String, "\(running.transcript)")
    let folder = (socket as NSString).deletingLastPathComponent
    if socketDir {
      #expect(
        folder.hasPrefix(base.path + "/plugin-dir"), "socket \(socket) is not in a plugin-dir folder of \(base.path)")
    }
    #expect(try Self.attributes(socket) == (Int(gid), 0o660))
    #expect(
      try Self.attributes(folder) == (Int(gid), 0o770), "the socket's folder \(folder) was not given to the group")
    #expect(try await Self.nobodyConnects(to: socket, group: gid), "a member of \(group) cannot reach \(socket)")
    #expect(try await !Self.nobodyConnects(to: socket, group: nil), "a user outside \(group) reached \(socket)")
    await running.stop()
    #expect(!FileManager.default.fileExists(atPath: folder), "\(folder) was left behind")
  }

  /// With --skip-host-env the plugin's environment is the go-plugin variables, the target's and
  /// --env: nothing of plugin-dev's (read from /proc/PID/environ while it runs).
  @Test func skipHostEnvironment() async throws {
    for skip in [false, true] {
      let running = try await Running.start(
        (skip ? ["--skip-host-env"] : []) + ["--env", "GIVEN=1", "--", Fixtures.executable("kv-swift")],
        environment: ["PLUGIN_DEV_TEST_MARKER": "host"])
      let started = try await running.event("started")
      let pid = try #require(started?["pid"] as? Int, "\(running.transcript)")
      _ = try await running.event("handshake")
      let raw = try #require(FileManager.default.contents(atPath: "/proc/\(pid)/environ"))
      let names = Set(
        raw.split(separator: 0).compactMap { $0.split(separator: UInt8(ascii: "="), maxSplits: 1).first }
          .map { String(decoding: $0, as: UTF8.self) })
      await running.stop()
      #expect(
        names.isSuperset(of: ["BASIC_PLUGIN", "PLUGIN_PROTOCOL_VERSIONS", "PLUGIN_MIN_PORT", "GIVEN"]), "\(names)")
      #expect(names.contains("PLUGIN_DEV_TEST_MARKER") == !skip, "skip \(skip): \(names.sorted())")
      #expect(names.contains("PATH") == !skip, "skip \(skip): \(names.sorted())")
    }
  }
}
