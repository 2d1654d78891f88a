import Foundation
import PluginHost
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// `plugin-dev run` in a real terminal (tmux): the TUI comes up, the console talks to the
/// plugin, frames are listed and inspected, the screen follows a resize, and quitting (or
/// SIGTERM) restores the shell and leaves no plugin process.
@Suite("plugin-dev run (TUI in tmux)", .enabled(if: Tmux.isAvailable), .timeLimit(.minutes(3)))
struct TUIEndToEndTests {
  @Test func putGetInspectResizeQuit() async throws {
    let tmux = try Tmux(width: 120, height: 40, arguments: ["run"])
    defer { tmux.kill() }

    let ready = try await tmux.waitFor("the plugin serving") { $0.contains("SERVING") }
    let pid = try #require(Self.pid(in: ready), "no pid in the status bar:\n\(ready)")
    #expect(PluginDevCLI.isAlive(pid))

    try tmux.keys(":")
    try tmux.type("put a hello")
    try tmux.keys("Enter")
    try await tmux.waitFor("the put result") { $0.contains("✓ ok  stored 5 bytes") }
    try tmux.type("get a")
    try tmux.keys("Enter")
    let afterGet = try await tmux.waitFor("the get result") { $0.contains("✓ ok  hello") }
    #expect(afterGet.contains("› get a"))

    try tmux.keys("Escape", "/")
    try tmux.type("method:Put")
    try tmux.keys("Enter")
    let putFrames = try await tmux.waitFor("the /proto.KV/Put frames") {
      $0.contains("HEADERS /proto.KV/Put") && $0.contains("DATA PutRequest") && $0.contains("Frames 5 of")
    }
    #expect(putFrames.contains("/method:Put"))

    try tmux.keys("g", "j", "Enter")
    let inspector = try await tmux.waitFor("the inspector on the PutRequest") {
      $0.contains("Frame #") && $0.contains("Message proto.PutRequest")
    }
    #expect(inspector.contains("├─ key: \"a\""))
    #expect(inspector.contains("68 65 6c 6c 6f"), "hex dump of hello")
    #expect(inspector.contains(":path: /proto.KV/Put") || inspector.contains("Stream "), "stream frames")

    try tmux.keys("Escape")
    try tmux.run(["resize-window", "-t", tmux.target, "-x", "90", "-y", "30"])
    let resized = try await tmux.waitFor("a redraw at 90x30") { screen in
      let lines = screen.components(separatedBy: "\n")
      return lines.count >= 30 && lines[1].hasPrefix("┌ Frames") && lines[1].hasSuffix("┐") && lines[1].count == 90
        && lines.contains { $0.hasPrefix("─ Console") && $0.count == 90 }
    }
    #expect(resized.components(separatedBy: "\n")[0].contains("kv-swift"))

    try tmux.keys("q")
    let after = try await tmux.waitFor("the shell back") { $0.contains("TUI-EXITED 0") }
    #expect(!after.contains("┌ Frames"), "the alternate screen is gone:\n\(after)")
    #expect(!after.contains("─ Console"))
    try await Self.expectGone(pid)
  }

  @Test func aFailedHandshakeShowsTheDiagnosis() async throws {
    let tmux = try Tmux(width: 120, height: 40, arguments: ["run", "--", PluginDevCLI.fixture("junk-before.sh")])
    defer { tmux.kill() }

    let screen = try await tmux.waitFor("the diagnosis") { $0.contains("text before the handshake") && $0.contains("fix:") }
    #expect(screen.contains("HANDSHAKE FAILED"))
    #expect(screen.contains("Unrecognized remote plugin message: starting up..."))
    #expect(screen.contains("handshake itself came on stdout line 2"))

    try tmux.keys("3")
    let logs = try await tmux.waitFor("the start notice") { Self.startedPid(in: $0) != nil }
    let pid = try #require(Self.startedPid(in: logs))

    try tmux.keys("q")
    let after = try await tmux.waitFor("the shell back") { $0.contains("TUI-EXITED 0") }
    #expect(!after.contains("HANDSHAKE FAILED"))
    try await Self.expectGone(pid)
  }

  @Test func sigtermRestoresTheTerminalAndStopsThePlugin() async throws {
    let tmux = try Tmux(width: 100, height: 30, arguments: ["run"])
    defer { tmux.kill() }

    let ready = try await tmux.waitFor("the plugin serving") { $0.contains("SERVING") }
    let pid = try #require(Self.pid(in: ready))
    let shell = try #require(Int32(try tmux.run(["display-message", "-p", "-t", tmux.target, "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)))
    let pluginDev = try #require(Self.children(of: shell).first, "plugin-dev is not a child of the pane's shell")
    kill(pluginDev, SIGTERM)
    let after = try await tmux.waitFor("the shell back") { $0.contains("TUI-EXITED") }
    #expect(after.contains("TUI-EXITED 0"))
    #expect(!after.contains("─ Console"))
    try await Self.expectGone(pid)
  }

  // MARK: Helpers

  static func pid(in screen: String) -> Int32? {
    guard let range = screen.range(of: #"pid (\d+)"#, options: .regularExpression) else { return nil }
    return Int32(screen[range].dropFirst(4))
  }

  static func startedPid(in screen: String) -> Int32? {
    guard let range = screen.range(of: #"started pid (\d+)"#, options: .regularExpression) else { return nil }
    return Int32(screen[range].dropFirst(12))
  }

  static func children(of parent: Int32) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { Int32($0) }.filter { pid in
      guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
      else { return false }
      let fields = stat[stat.index(after: close)...].split(separator: " ")
      return fields.count > 2 && Int32(fields[1]) == parent
    }
  }

  /// Waits (up to 5 s) for the process to be gone.
  static func expectGone(_ pid: Int32, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let deadline = ContinuousClock.now + .seconds(5)
    while PluginDevCLI.isAlive(pid), ContinuousClock.now < deadline {
      try await Task.sleep(for: .milliseconds(50))
    }
    #expect(!PluginDevCLI.isAlive(pid), "plugin pid \(pid) is still running", sourceLocation: sourceLocation)
  }
}

/// A detached tmux server of its own running `plugin-dev ARGUMENTS` in a shell script that
/// prints `TUI-EXITED <status>` when plugin-dev returns, then waits.
struct Tmux: Sendable {
  let socket: String
  let directory: URL
  var target: String { "tui" }

  static let isAvailable: Bool = {
    ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].contains { FileManager.default.isExecutableFile(atPath: $0) }
  }()

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  init(width: Int, height: Int, arguments: [String]) throws {
    socket = "plugin-dev-tui-\(getpid())-\(UUID().uuidString.prefix(8))"
    directory = try Fixtures.temporaryDirectory("plugin-dev-tui")
    let quoted = ([Fixtures.executable("plugin-dev")] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
    let script = """
      #!/bin/sh
      export LANG=C.UTF-8 LC_ALL=C.UTF-8
      unset NO_COLOR
      cd '\(directory.path)'
      \(quoted.joined(separator: " "))
      echo "TUI-EXITED $?"
      sleep 30
      """
    let path = directory.appendingPathComponent("run.sh")
    try script.write(to: path, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path.path)
    try run(["new-session", "-d", "-s", target, "-x", "\(width)", "-y", "\(height)", path.path])
  }

  /// Runs a tmux command on this server and returns its stdout.
  @discardableResult
  func run(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["tmux", "-u", "-L", socket, "-f", "/dev/null"] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = Pipe()
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw Failure(description: "tmux \(arguments.joined(separator: " ")) failed with status \(process.terminationStatus)")
    }
    return String(decoding: data, as: UTF8.self)
  }

  /// The visible screen as text.
  func capture() -> String {
    (try? run(["capture-pane", "-p", "-t", target])) ?? ""
  }

  /// Sends keys by tmux name (`Enter`, `Escape`, `q`).
  func keys(_ names: String...) throws {
    for name in names {
      try run(["send-keys", "-t", target, name])
    }
  }

  /// Types text literally.
  func type(_ text: String) throws {
    try run(["send-keys", "-t", target, "-l", text])
  }

  /// Polls the screen until `condition` holds; fails after `timeout` with the last screen.
  @discardableResult
  func waitFor(_ what: String, timeout: Duration = .seconds(60), _ condition: (String) -> Bool) async throws -> String {
    let deadline = ContinuousClock.now + timeout
    var screen = capture()
    while !condition(screen) {
      guard ContinuousClock.now < deadline else {
        throw Failure(description: "timed out after \(timeout) waiting for \(what); the screen:\n\(screen)")
      }
      try await Task.sleep(for: .milliseconds(100))
      screen = capture()
    }
    return screen
  }

  /// Ends the tmux server (and so the pane's processes) and removes the folder.
  func kill() {
    _ = try? run(["kill-server"])
    try? FileManager.default.removeItem(at: directory)
  }
}
