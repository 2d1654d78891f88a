import Foundation
import PluginHost
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `plugin-dev run` in a real terminal (tmux): the TUI comes up, the console talks to the
/// plugin, frames are listed and inspected, the screen follows a resize, and quitting (or
/// SIGTERM) restores the shell and leaves no plugin process.
@Suite("plugin-dev run (TUI in tmux)", .enabled(if: Tmux.isAvailable), .timeLimit(.minutes(3)))
struct TUIEndToEndTests {
  @Test func putGetInspectResizeQuit() async throws {
    try await Tmux.session(width: 120, height: 40, arguments: ["run"]) { tmux in
      let ready = try await tmux.waitFor("the plugin serving") { $0.contains("SERVING") }
      let pid = try #require(Self.pid(in: ready), "no pid in the status bar:\n\(ready)")
      #expect(PluginDevCLI.isAlive(pid))

      try await tmux.keys(":")
      try await tmux.type("put a hello")
      try await tmux.keys("Enter")
      try await tmux.waitFor("the put result") { $0.contains("✓ ok  stored 5 bytes") }
      try await tmux.type("get a")
      try await tmux.keys("Enter")
      let afterGet = try await tmux.waitFor("the get result") { $0.contains("✓ ok  hello") }
      #expect(afterGet.contains("› get a"))

      try await tmux.keys("Escape", "/")
      try await tmux.type("method:Put")
      try await tmux.keys("Enter")
      let putFrames = try await tmux.waitFor("the /proto.KV/Put frames") {
        $0.contains("HEADERS /proto.KV/Put") && $0.contains("DATA PutRequest") && $0.contains("Frames 5 of")
      }
      #expect(putFrames.contains("/method:Put"))

      try await tmux.keys("g", "j", "Enter")
      let inspector = try await tmux.waitFor("the inspector on the PutRequest") {
        $0.contains("Frame #") && $0.contains("Message proto.PutRequest")
      }
      #expect(inspector.contains("├─ key: \"a\""))
      #expect(inspector.contains("68 65 6c 6c 6f"), "hex dump of hello")
      #expect(
        inspector.contains("Stream 1 on connection") || inspector.contains("on connection"), "the stream's frames")

      try await tmux.keys("Escape")
      try await tmux.run(["resize-window", "-t", tmux.target, "-x", "90", "-y", "30"])
      let resized = try await tmux.waitFor("a redraw at 90x30") { screen in
        let lines = screen.components(separatedBy: "\n")
        return lines.count >= 30 && lines[1].hasPrefix("┌ Frames") && lines[1].hasSuffix("┐") && lines[1].count == 90
          && lines.contains { $0.hasPrefix("─ Console") && $0.count == 90 }
      }
      #expect(resized.components(separatedBy: "\n")[0].contains("kv-swift"))
      #expect(Self.usesColour(await tmux.capture(escapes: true)), "colours are on without NO_COLOR")

      try await tmux.keys("q")
      let after = try await tmux.waitFor("the shell back") { $0.contains("TUI-EXITED 0") }
      #expect(!after.contains("┌ Frames"), "the alternate screen is gone:\n\(after)")
      #expect(!after.contains("─ Console"))
      try await Self.expectGone(pid)
    }
  }

  /// Issue #16: `--exec` runs in the console, the calls view and `a`, Esc in the side pane keeps
  /// the filter and `x` clears it, `z` zooms, `q` closes the help and a log line instead of
  /// quitting, Enter opens a log line, and a restart is marked in the frame list.
  @Test func execCallsViewZoomOverlaysAndRestartSeparator() async throws {
    try await Tmux.session(width: 120, height: 40, arguments: ["run", "--exec", "put a hello", "--exec", "get a"]) {
      tmux in
      let ran = try await tmux.waitFor("the --exec commands in the console") {
        $0.contains("› put a hello") && $0.contains("✓ ok  stored 5 bytes") && $0.contains("› get a")
          && $0.contains("✓ ok  hello")
      }
      let pid = try #require(Self.pid(in: ran), "no pid in the status bar:\n\(ran)")
      let lines = ran.components(separatedBy: "\n")
      let putIndex = lines.firstIndex(where: { $0.contains("✓ ok  stored 5 bytes") })
      let getIndex = lines.firstIndex(where: { $0.contains("› get a") })
      let putResult = try #require(putIndex)
      let getCommand = try #require(getIndex)
      #expect(putResult < getCommand, "put's result shows before get runs:\n\(ran)")
      let calls = try await tmux.waitFor("health checks hidden in the calls view") {
        $0.contains("· calls ·") && $0.contains("hidden") && $0.contains("HEADERS /proto.KV/Get")
      }
      // A narrow row abbreviates the package (/g.h.v1.Health/Check): match either form.
      #expect(!calls.contains("v1.Health/Check"), "health checks are hidden:\n\(calls)")
      #expect(!calls.contains(" SETTINGS "), "SETTINGS are hidden:\n\(calls)")

      try await tmux.keys("a")
      try await tmux.waitFor("every frame") { $0.contains("· all") && $0.contains("v1.Health/Check") }
      try await tmux.keys("a")
      try await tmux.waitFor("the calls view again") {
        $0.contains("· calls") && !$0.contains("v1.Health/Check")
      }

      try await tmux.keys("/")
      try await tmux.type("method:Put")
      try await tmux.keys("Enter", "Tab")
      try await tmux.waitFor("the side pane focused") { $0.contains("Esc leave") }
      try await tmux.keys("Escape")
      let kept = try await tmux.waitFor("the frames focused again") {
        $0.contains("Enter inspect") && !$0.contains("Esc leave")
      }
      #expect(kept.contains("/method:Put  x clears"), "Esc did not clear the filter:\n\(kept)")
      try await tmux.keys("x")
      try await tmux.waitFor("the filter cleared") { !$0.contains("/method:Put") && $0.contains("/ filter") }

      try await tmux.keys("z")
      let zoomed = try await tmux.waitFor("the frames zoomed") { screen in
        let lines = screen.components(separatedBy: "\n")
        return lines.count > 1 && lines[1].contains("· zoom") && lines[1].count == 120 && !screen.contains("─ Console")
      }
      #expect(zoomed.contains("HEADERS /proto.KV/Put"))
      try await tmux.keys("z")
      try await tmux.waitFor("the console back") { $0.contains("─ Console") && !$0.contains("· zoom") }

      try await tmux.keys("?")
      try await tmux.waitFor("the help") { $0.contains("Help — j/k scroll, q, Esc") }
      try await tmux.keys("q")
      try await tmux.waitFor("the help closed, the TUI still there") {
        !$0.contains("Help —") && $0.contains("─ Console")
      }

      try await tmux.keys("3", "Tab", "Enter")
      let viewer = try await tmux.waitFor("a log line in full") {
        $0.contains("Log line — j/k scroll, Esc or q closes")
      }
      #expect(!viewer.contains("TUI-EXITED"))
      try await tmux.keys("q")
      try await tmux.waitFor("the log line closed") { !$0.contains("Log line —") && $0.contains("─ Console") }

      try await tmux.keys("r")
      let restarted = try await tmux.waitFor("the restart separator") { $0.contains("── restart (pid ") }
      #expect(!restarted.contains("TUI-EXITED"))
      let newPid = try await tmux.waitFor("the new plugin serving") { screen in
        screen.range(of: #"── restart \(pid (\d+)\)"#, options: .regularExpression) != nil && screen.contains("SERVING")
      }
      try await tmux.keys("q")
      try await tmux.waitFor("the shell back") { $0.contains("TUI-EXITED 0") }
      try await Self.expectGone(pid)
      if let range = newPid.range(of: #"restart \(pid \d+"#, options: .regularExpression),
        let second = Int32(newPid[range].dropFirst(13))
      {
        try await Self.expectGone(second)
      }
    }
  }

  @Test func aFailedHandshakeShowsTheDiagnosis() async throws {
    try await Tmux.session(width: 120, height: 40, arguments: ["run", "--", PluginDevCLI.fixture("junk-before.sh")]) {
      tmux in
      let screen = try await tmux.waitFor("the diagnosis") {
        $0.contains("text before the handshake") && $0.contains("fix:")
      }
      let text = Self.flattened(screen)
      #expect(text.contains("HANDSHAKE FAILED"))
      #expect(text.contains("Unrecognized remote plugin message: starting up..."), "\(text)")
      #expect(text.contains("The handshake itself came on stdout line 2: 1|1|tcp|127.0.0.1:1234|grpc"), "\(text)")

      try await tmux.keys("3")
      let logs = try await tmux.waitFor("the start notice") { Self.startedPid(in: $0) != nil }
      let pid = try #require(Self.startedPid(in: logs))

      try await tmux.keys("q")
      let after = try await tmux.waitFor("the shell back") { $0.contains("TUI-EXITED 0") }
      #expect(!after.contains("HANDSHAKE FAILED"))
      try await Self.expectGone(pid)
    }
  }

  @Test func sigtermRestoresTheTerminalStopsThePluginAndNoColorIsRespected() async throws {
    try await Tmux.session(width: 100, height: 30, arguments: ["run"], environment: ["NO_COLOR": "1"]) { tmux in
      let ready = try await tmux.waitFor("the plugin serving") { $0.contains("SERVING") }
      let pid = try #require(Self.pid(in: ready))
      let styled = await tmux.capture(escapes: true)
      #expect(!Self.usesColour(styled), "NO_COLOR=1 but colours were used")
      #expect(styled.contains("\u{1b}[7m") || styled.contains(";7m"), "attributes (reverse) are still used")

      let shellText = try await tmux.run(["display-message", "-p", "-t", tmux.target, "#{pane_pid}"])
      let shell = try #require(Int32(shellText.trimmingCharacters(in: .whitespacesAndNewlines)))
      let pluginDev = try #require(Self.children(of: shell).first, "plugin-dev is not a child of the pane's shell")
      kill(pluginDev, SIGTERM)
      let after = try await tmux.waitFor("the shell back") { $0.contains("TUI-EXITED") }
      #expect(after.contains("TUI-EXITED 0"))
      #expect(!after.contains("─ Console"))
      try await Self.expectGone(pid)
    }
  }

  /// SIGSEGV from outside stands in for a crash (the handler cannot tell them apart). Swift's
  /// backtracer is turned off: it works, but takes half a minute before the process ends.
  @Test func aCrashRestoresTheTerminalAndKillsThePlugin() async throws {
    try await Tmux.session(width: 100, height: 30, arguments: ["run"], environment: ["SWIFT_BACKTRACE": "enable=no"]) {
      tmux in
      let ready = try await tmux.waitFor("the plugin serving") { $0.contains("SERVING") }
      let pid = try #require(Self.pid(in: ready))
      let shellText = try await tmux.run(["display-message", "-p", "-t", tmux.target, "#{pane_pid}"])
      let shell = try #require(Int32(shellText.trimmingCharacters(in: .whitespacesAndNewlines)))
      let pluginDev = try #require(Self.children(of: shell).first)
      kill(pluginDev, SIGSEGV)
      let after = try await tmux.waitFor("the shell back after the crash") { $0.contains("TUI-EXITED") }
      #expect(after.contains("TUI-EXITED 139"), "the process ended with SIGSEGV:\n\(after)")
      #expect(!after.contains("─ Console"), "the alternate screen is gone:\n\(after)")
      try await Self.expectGone(pid)
    }
  }

  // MARK: Helpers

  static func pid(in screen: String) -> Int32? {
    guard let range = screen.range(of: #"pid (\d+)"#, options: .regularExpression) else { return nil }
    return Int32(screen[range].dropFirst(4))
  }

  /// The screen's text without box borders, lines joined by spaces (wrapped text reads whole).
  static func flattened(_ screen: String) -> String {
    let words = screen.components(separatedBy: "\n").flatMap { line in
      line.split(whereSeparator: { " │┌┐└┘─".contains($0) })
    }
    return words.joined(separator: " ")
  }

  /// Whether a capture with escapes (`capture-pane -e`) sets a foreground or background colour.
  static func usesColour(_ screen: String) -> Bool {
    var rest = Substring(screen)
    while let start = rest.range(of: "\u{1b}[") {
      rest = rest[start.upperBound...]
      guard let end = rest.firstIndex(of: "m") else { break }
      let parameters = rest[..<end].split(separator: ";").compactMap { Int($0) }
      if parameters.contains(where: { (30...38).contains($0) || (40...48).contains($0) || (90...107).contains($0) }) {
        return true
      }
      rest = rest[end...]
    }
    return false
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

  /// Waits (up to 30 s: CI is loaded) for the process to be gone.
  static func expectGone(_ pid: Int32, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    try? await waitUntil(30, "pid \(pid) ending") { !PluginDevCLI.isAlive(pid) }
    #expect(!PluginDevCLI.isAlive(pid), "plugin pid \(pid) is still running", sourceLocation: sourceLocation)
  }
}

/// A detached tmux server of its own running `plugin-dev ARGUMENTS` in a shell script that
/// prints `TUI-EXITED <status>` when plugin-dev returns, then waits.
///
/// tmux is started through `PluginProcess` (swift-subprocess), which gives the child an empty
/// signal mask: spawned from a thread that blocks signals, the tmux server would block SIGTERM
/// too and `kill-server` (which signals the server itself) would do nothing.
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

  /// Runs `body` with a new session and always ends the server afterwards.
  static func session(
    width: Int, height: Int, arguments: [String], environment: [String: String] = [:],
    _ body: (Tmux) async throws -> Void
  ) async throws {
    let tmux = try Tmux(arguments: arguments, environment: environment)
    do {
      try await tmux.run([
        "new-session", "-d", "-s", tmux.target, "-x", "\(width)", "-y", "\(height)", tmux.script.path,
      ])
      try await body(tmux)
    } catch {
      await tmux.kill()
      throw error
    }
    await tmux.kill()
  }

  private var script: URL { directory.appendingPathComponent("run.sh") }

  private init(arguments: [String], environment: [String: String]) throws {
    socket = "plugin-dev-tui-\(getpid())-\(UUID().uuidString.prefix(8))"
    directory = try Fixtures.temporaryDirectory("plugin-dev-tui")
    let quoted = ([Fixtures.executable("plugin-dev")] + arguments).map {
      "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
    let exports = environment.keys.sorted().map { "export \($0)='\(environment[$0] ?? "")'" }
    let lines =
      ["#!/bin/sh", "export LANG=C.UTF-8 LC_ALL=C.UTF-8", "unset NO_COLOR", "ulimit -c 0"] + exports + [
        "cd '\(directory.path)'", quoted.joined(separator: " "), "echo \"TUI-EXITED $?\"", "sleep 30",
      ]
    try (lines.joined(separator: "\n") + "\n").write(to: script, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
  }

  /// Runs a tmux command on this server and returns its stdout (killed after 15 s).
  @discardableResult
  func run(_ arguments: [String]) async throws -> String {
    let process = try await PluginProcess.start(
      PluginProcess.Launch(
        executable: "/usr/bin/env", arguments: ["tmux", "-u", "-L", socket, "-f", "/dev/null"] + arguments))
    let watchdog = Task {
      try await Task.sleep(for: .seconds(15))
      await process.kill()
    }
    defer { watchdog.cancel() }
    var lines: [String] = []
    var status: PluginProcess.ExitStatus?
    for await event in process.events {
      switch event {
      case .line(.stdout, let line, _): lines.append(line.text)
      case .exited(let exit, _): status = exit
      default: break
      }
    }
    guard status == .exited(0) else {
      throw Failure(
        description: "tmux \(arguments.joined(separator: " ")) ended with \(status.map { "\($0)" } ?? "no status")")
    }
    return lines.joined(separator: "\n")
  }

  /// The visible screen as text (with `escapes`, with the SGR sequences of its styles).
  func capture(escapes: Bool = false) async -> String {
    (try? await run(["capture-pane", "-p"] + (escapes ? ["-e"] : []) + ["-t", target])) ?? ""
  }

  /// Sends keys by tmux name (`Enter`, `Escape`, `q`).
  func keys(_ names: String...) async throws {
    for name in names {
      try await run(["send-keys", "-t", target, name])
    }
  }

  /// Types text literally.
  func type(_ text: String) async throws {
    try await run(["send-keys", "-t", target, "-l", text])
  }

  /// Polls the screen until `condition` holds; fails after `timeout` with the last screen.
  @discardableResult
  func waitFor(_ what: String, timeout: Duration = .seconds(60), _ condition: (String) -> Bool) async throws -> String {
    var screen = ""
    do {
      return try await TestSupport.waitFor(
        Double(timeout.components.seconds), what, every: .milliseconds(100)
      ) {
        screen = await capture()
        return condition(screen) ? screen : nil
      }
    } catch is TimeoutError {
      throw Failure(description: "timed out after \(timeout) waiting for \(what); the screen:\n\(screen)")
    }
  }

  /// Ends the tmux server (its panes get SIGHUP), waits for it to go, removes the folder.
  func kill() async {
    let server = (try? await run(["display-message", "-p", "#{pid}"])).flatMap {
      Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    _ = try? await run(["kill-server"])
    if let server { try? await waitUntil(30, "the tmux server ending") { !PluginDevCLI.isAlive(server) } }
    try? FileManager.default.removeItem(at: directory)
    let socketFolder = ProcessInfo.processInfo.environment["TMUX_TMPDIR"] ?? "/tmp"
    try? FileManager.default.removeItem(atPath: "\(socketFolder)/tmux-\(getuid())/\(socket)")
  }
}
