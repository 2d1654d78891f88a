import Foundation
import PluginHost
import PluginProtocol
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// What plugin-dev opens, prints and leaves behind cannot be used against its user (issue #16 item 1c).
@Suite("host safety: no open doors, no terminal injection, nothing left behind", .timeLimit(.minutes(3)))
struct HostSafetyTests {
  /// Waits until a stdout line satisfies `condition` (nil when plugin-dev ends first); returns it.
  func waitForLine(
    _ output: OutputCollector, seconds: Double = 60, where condition: @escaping @Sendable (String) -> Bool
  ) async throws -> String? {
    try await output.line(within: seconds, where: condition)
  }

  func event(_ line: String?) -> [String: Any]? {
    line.flatMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
  }

  /// `run --auto-mtls` with a tcp plugin: plugin-dev listens on no tcp port, its relay socket sits
  /// in a folder only its user can enter (another user is refused), and the plugin's own port
  /// answers no plaintext client.
  @Test func autoMTLSOpensNoDoorToAPlugin() async throws {
    let process = try await PluginDevCLI.start(
      ["run", "--headless", "--json", "--auto-mtls", "--for", "60s", "--", Fixtures.executable("kv-swift")],
      environment: ["KV_PLUGIN_NETWORK": "tcp"], workingDirectory: try Fixtures.temporaryDirectory())
    let output = OutputCollector(process: process)
    defer { kill(process.pid, SIGTERM) }
    let health = try await waitForLine(output) { $0.contains("\"event\":\"health\"") }
    try #require(health != nil, "no health check\n\(output.stdout.joined(separator: "\n"))")
    let handshake = event(output.stdout.first { $0.contains("\"event\":\"handshake\"") })
    let pluginAddress = try #require(handshake?["address"] as? String)

    let sockets = ListeningSockets.of(pid: process.pid)
    #expect(sockets.tcpPorts.isEmpty, "plugin-dev listens on tcp ports \(sockets.tcpPorts)")
    #expect(!sockets.unixPaths.isEmpty, "the relay's unix socket was not found")
    for path in sockets.unixPaths {
      let folder = (path as NSString).deletingLastPathComponent
      let attributes = try FileManager.default.attributesOfItem(atPath: folder)
      #expect((attributes[.posixPermissions] as? Int) == 0o700, "\(folder) is not private")
      #expect((attributes[.ownerAccountID] as? Int) == Int(getuid()))
      if getuid() == 0 {
        // Another user (nobody) cannot even reach the socket.
        let other = try await PluginProcess.start(
          .init(
            executable: "setpriv",
            arguments: [
              "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c",
              "import socket, sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])", path,
            ]))
        let collected = OutputCollector(process: other)
        let status = await other.waitForExit(timeout: .seconds(20))
        await collected.finished()
        #expect(status != .exited(0), "user nobody connected to \(path)")
        #expect(collected.stderr.contains { $0.contains("PermissionError") }, "\(collected.stderr)")
      }
    }
    // The plugin itself demands TLS with a client certificate: a plaintext call gets no answer.
    let plain = try PluginConnection(network: .tcp, address: pluginAddress)
    await #expect(throws: (any Error).self) { try await plain.health.check(timeout: .seconds(5)) }
    await plain.close()
  }

  /// Escape sequences a plugin writes are shown escaped in text output, not sent to the terminal.
  @Test func textOutputEscapesWhatThePluginWrites() async throws {
    let run = try await PluginDevCLI.run(["run", "--headless", "--", "/bin/sh", PluginDevCLI.fixture("escapes.sh")])
    #expect(run.status == .exited(2), "\(run.transcript)")
    let runText = (run.stdout + run.stderr).joined(separator: "\n")
    #expect(!runText.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x07 }, "\(run.transcript)")
    #expect(runText.contains("\\x1b[2J\\x1b]0;pwned\\x07 clear and retitle"), "\(run.transcript)")
    #expect(runText.contains("starting \\x1b[31mred\\x1b[0m"), "\(run.transcript)")

    let check = try await PluginDevCLI.run(["check", "--", "/bin/sh", PluginDevCLI.fixture("escapes.sh")])
    let checkText = (check.stdout + check.stderr).joined(separator: "\n")
    #expect(!checkText.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x07 }, "\(check.transcript)")
    #expect(checkText.contains("\\x1b[31mred"), "\(check.transcript)")
  }

  /// A run whose plugin had to be killed (it hangs: SIGSTOP) leaves nothing in the temp folder: not
  /// the relay's folder, not the plugin's socket or its private folder.
  @Test func aKilledPluginLeavesNothingInTheTempFolder() async throws {
    let tmp = try Fixtures.temporaryDirectory("plugin-dev-tmpdir")
    let process = try await PluginDevCLI.start(
      ["run", "--headless", "--json", "--", Fixtures.executable("kv-swift")],
      environment: ["TMPDIR": tmp.path], workingDirectory: try Fixtures.temporaryDirectory())
    let output = OutputCollector(process: process)
    let health = try await waitForLine(output) { $0.contains("\"event\":\"health\"") }
    try #require(health != nil, "no health check\n\(output.stdout.joined(separator: "\n"))")
    let started = event(output.stdout.first { $0.contains("\"event\":\"started\"") })
    let pidNumber = try #require(started?["pid"] as? Int)
    let pid = Int32(pidNumber)
    #expect(!(try FileManager.default.contentsOfDirectory(atPath: tmp.path)).isEmpty, "nothing in TMPDIR while running")
    kill(pid, SIGSTOP)  // Shutdown now goes unanswered: plugin-dev must SIGKILL after 2 s
    kill(process.pid, SIGINT)
    let status = await process.waitForExit(timeout: .seconds(20))
    await output.finished()
    #expect(status == .exited(0), "\(output.stdout.joined(separator: "\n"))")
    #expect(output.stdout.contains { $0.contains("sending SIGKILL") }, "\(output.stdout.joined(separator: "\n"))")
    let left = try FileManager.default.contentsOfDirectory(atPath: tmp.path)
    #expect(left.isEmpty, "left in TMPDIR: \(left)")
  }
}
