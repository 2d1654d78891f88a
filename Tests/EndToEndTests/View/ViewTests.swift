import Foundation
import PluginHost
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `plugin-dev view`: a session recorded by `run --export` reads back as `run` showed it; the
/// TUI follows a log while it is written; a file that is not a log is named with what is wrong.
@Suite("plugin-dev view", .timeLimit(.minutes(3)))
struct ViewTests {
  @Test func viewPrintsWhatRunPrinted() async throws {
    let folder = try Fixtures.temporaryDirectory("plugin-dev-view")
    defer { try? FileManager.default.removeItem(at: folder) }
    let log = folder.appendingPathComponent("session.jsonl").path
    let run = try await PluginDevCLI.run([
      "run", "--headless", "--health-interval", "0.2s", "--export", log, "--exec", "put a hello", "--exec", "get a",
      "--exec", "get missing",
    ])
    #expect(run.status == .exited(1), "get missing fails: \(run.transcript)")
    #expect(run.stderr.contains { $0.contains("read it with: plugin-dev view \(log)") }, "\(run.transcript)")
    let view = try await PluginDevCLI.run(["view", "--headless", log])
    #expect(view.status == .exited(0), "\(view.transcript)")
    #expect(view.stdout.first?.hasPrefix("log       \(log): written by run (pid ") == true, "\(view.transcript)")
    #expect(view.stdout.dropFirst().first?.hasPrefix("host      pid ") == true, "\(view.transcript)")
    #expect(Array(view.stdout.dropFirst(3)) == run.stdout, "run:\n\(run.transcript)\nview:\n\(view.transcript)")
    #expect(run.stdout.contains { $0.contains("call      get a → ok hello") }, "\(run.transcript)")

    let json = try await PluginDevCLI.run(["view", "--headless", "--json", "--no-frames", log])
    #expect(json.events.first?["event"] as? String == "header")
    #expect(json.events("call").map { $0["command"] as? String } == ["put a hello", "get a", "get missing"])
    #expect(json.events("frame").isEmpty)
  }

  @Test func aFileThatIsNotALogIsNamed() async throws {
    let folder = try Fixtures.temporaryDirectory("plugin-dev-view-bad")
    defer { try? FileManager.default.removeItem(at: folder) }
    let missing = try await PluginDevCLI.run(["view", "--headless", folder.appendingPathComponent("none.jsonl").path])
    #expect(missing.status == .exited(1))
    #expect(missing.stderr == ["plugin-dev view: \(folder.path)/none.jsonl: no such file"], "\(missing.transcript)")
    let text = folder.appendingPathComponent("notes.txt")
    try "hello\n".write(to: text, atomically: true, encoding: .utf8)
    let bad = try await PluginDevCLI.run(["view", "--headless", text.path])
    #expect(bad.status == .exited(1))
    #expect(
      bad.stderr.first?.hasPrefix("plugin-dev view: \(text.path):1: not a plugin-dev log") == true, "\(bad.transcript)")
  }

  @Test(.enabled(if: Tmux.isAvailable)) func theTUIFollowsALogWhileRunWritesIt() async throws {
    let folder = try Fixtures.temporaryDirectory("plugin-dev-view-live")
    defer { try? FileManager.default.removeItem(at: folder) }
    let log = folder.appendingPathComponent("live.jsonl").path
    let writer = try await PluginDevCLI.start(["run", "--headless", "--health-interval", "0.3s", "--export", log])
    let output = OutputCollector(process: writer)
    defer { kill(writer.pid, SIGKILL) }
    _ = try await output.line { $0.hasPrefix("health    SERVING") }
    try await Tmux.session(width: 140, height: 40, arguments: ["view", log]) { tmux in
      let live = try await tmux.waitFor("the log followed") { $0.contains("view (read-only) · live (following)") }
      #expect(live.contains("host    pid \(writer.pid)"), "\(live)")
      let first = try #require(Self.frameCount(live), "\(live)")
      // Health checks go on in the writer: the count grows while view follows.
      try await tmux.waitFor("more frames") { (Self.frameCount($0) ?? 0) > first + 4 }
      // The writer ends: view shows the end of the log and keeps it on screen.
      kill(writer.pid, SIGINT)
      let ended = try await tmux.waitFor("the end of the log") { $0.contains("view (read-only) · ended") }
      #expect(!ended.contains("ended early"), "\(ended)")
      try await tmux.keys("a", "/")
      try await tmux.type("method:Check")
      try await tmux.keys("Enter", "g", "j", "Enter")
      let inspector = try await tmux.waitFor("the inspector") {
        $0.contains("Frame #") && $0.contains("HealthCheck")
      }
      #expect(inspector.contains("grpc.health.v1.Health/Check"), "\(inspector)")
      try await tmux.keys("Escape", ":")
      try await tmux.type("get a")
      try await tmux.keys("Enter")
      try await tmux.waitFor("the read-only note") { $0.contains("read-only: this is a log") }
      try await tmux.keys("Escape", "q")
      try await tmux.waitFor("the shell back") { $0.contains("TUI-EXITED 0") }
    }
    #expect(await writer.waitForExit(timeout: .seconds(30)) != nil)
  }

  /// `N frames` in the status bar.
  static func frameCount(_ screen: String) -> Int? {
    guard let top = screen.split(separator: "\n").first, let range = top.range(of: " frames") else { return nil }
    return Int(top[..<range.lowerBound].split(separator: " ").last ?? "")
  }
}
