import ArgumentParser
import Foundation
import PluginHost
import PluginSession
import TerminalUI

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `plugin-dev view FILE`: a log of `run --export` or `wrap --log`, read-only.
struct View: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "view",
    abstract: "Open a plugin-dev log (run --export, wrap --log) read-only, in the TUI or as text.",
    discussion: """
      Shows the log as `run` showed the session: handshake, logs, health, calls and the frame \
      list with its filter and inspector. While the log's writer is still at work (a wrap under \
      a running host), view follows the file as it grows, like `tail -f`, until the writer ends.
      """
  )

  @Argument(help: "The log file (a regular file), or - to read a log from standard input (not followed).")
  var file: String

  @Flag(name: .customLong("headless"), help: "Print the log as `run --headless` prints a session, no TUI.")
  var headless = false

  @Flag(name: .customLong("json"), help: "With --headless: JSON lines, as `run --headless --json`.")
  var json = false

  @Flag(name: .customLong("no-frames"), help: "With --headless: do not print frames.")
  var noFrames = false

  @Flag(name: .customLong("every-health"), help: "With --headless: print every health check, not only changes.")
  var everyHealth = false

  @Flag(name: .customLong("no-follow"), help: "Stop at the end of the file, even while its writer is still at work.")
  var noFollow = false

  @Option(name: .customLong("frame-limit"), help: "Frames kept in the TUI's frame log (oldest dropped).")
  var frameLimit: Int = 100_000

  func validate() throws {
    if frameLimit < 1 { throw ValidationError("--frame-limit must be at least 1") }
    if json && !headless && isatty(STDOUT_FILENO) == 1 { throw ValidationError("--json needs --headless") }
  }

  func run() async throws {
    signal(SIGPIPE, SIG_IGN)
    let follower: RecordingFollower
    do {
      follower = try await RecordingFollower.open(path: (file as NSString).expandingTildeInPath, follow: !noFollow)
    } catch {
      writeLine(stderr: true, "plugin-dev view: \(error)")
      throw ExitCode(1)
    }
    if !headless && isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1 {
      let code = try await TUIApp(source: .recording(follower), frameLimit: frameLimit).run()
      if code != 0 { throw ExitCode(code) }
      return
    }
    await printHeadless(follower)
  }

  private func printHeadless(_ follower: RecordingFollower) async {
    let header = follower.header
    var formatter = SessionEventFormatter(showFrames: !noFrames, showEveryHealthCheck: everyHealth)
    if header.writer == "wrap" { formatter.inheritedFrom = "the host's environment" }
    if json {
      let encoder = RecordingLine.makeEncoder()
      if let data = try? encoder.encode(RecordingLine(.header(header), time: header.time)) {
        guard writeLine(String(decoding: data, as: UTF8.self)) else { return }
      }
    } else {
      for line in Self.describe(header, path: follower.path) { guard writeLine(line) else { return } }
    }
    var toldFollowing = false
    for await item in follower.items() {
      switch item {
      case .event(let event, let time):
        if let line = json ? formatter.json(event, time: time) : formatter.text(event), !writeLine(line) { return }
      case .caughtUp:
        guard !toldFollowing else { continue }
        toldFollowing = true
        let text = "following \(follower.path) while its writer (pid \(header.pid)) is at work; Ctrl-C stops"
        if !json, !writeLine("note      " + text) { return }
      case .end:
        return
      }
    }
  }

  /// The lines saying what the log shows: who wrote it, which host, which plugin.
  static func describe(_ header: RecordingHeader, path: String) -> [String] {
    let time = header.time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false))
    var lines = ["log       \(path): written by \(header.writer) (pid \(header.pid)) from \(time)"]
    if let hostPid = header.hostPid {
      lines.append("host      pid \(hostPid)\(header.hostCommand.map { ": \($0)" } ?? "")")
    }
    let command = header.command.joined(separator: " ")
    lines.append(
      "plugin    \(header.plugin)\(command.isEmpty ? "" : ": \(command)")\(header.autoMTLS ? " (AutoMTLS)" : "")")
    // The header's strings come from the file: a line break in them cannot start a line.
    return lines.map(TerminalText.oneLine)
  }
}
