import Foundation
import PluginHost
import PluginProtocol
import PluginSession
import Synchronization
import WireTap

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs a session without a terminal UI: events as lines or JSON lines, `--exec` commands in
/// order, then a clean stop. SIGINT, SIGTERM and SIGHUP stop the plugin before plugin-dev exits.
struct HeadlessRunner {
  let session: Session
  let json: Bool
  let showFrames: Bool
  let everyHealth: Bool
  let execs: [String]
  let runFor: Duration?
  /// `run --serve`: stay up after the `--exec` commands, until a signal or `--for`.
  var keepServing = false

  /// How often a call that has not been answered says so.
  static let waitingEvery: Duration = .seconds(5)

  /// Runs to the end; returns the exit status (0 ok, 1 a call failed or the plugin died, 2 build/handshake failed).
  func run() async -> Int32 {
    let (stopRequests, stopContinuation) = AsyncStream<String>.makeStream()
    let signals = SignalRelay(signals: [SIGINT, SIGTERM, SIGHUP]) { signal in
      stopContinuation.yield("signal \(signal)")
    }
    defer { signals.cancel() }

    let failures = FailureCount()
    let printer = Task { [session, json, showFrames, everyHealth] in
      var formatter = SessionEventFormatter(showFrames: showFrames, showEveryHealthCheck: everyHealth)
      for await timed in session.events.timed {
        let event = timed.event
        switch event {
        case .exited(_, let expected) where !expected:
          failures.add()
          stopContinuation.yield("plugin exited")
        default: break
        }
        // JSON lines carry the time the event happened, not the time the line was written.
        if let line = json ? formatter.json(event, time: timed.time) : formatter.text(event), !writeLine(line) {
          stopContinuation.yield("stdout closed")
        }
      }
    }

    // Everything that waits on the plugin runs apart from the stop requests, so Ctrl-C stops
    // plugin-dev even while the handshake or a call is still pending (issue #17 item 1).
    let work = Task { [session, execs, runFor, keepServing] () -> Bool in
      guard await session.start() else { return false }
      for text in execs where !Task.isCancelled {
        do {
          let command = try ConsoleCommand.parse(text)
          switch command {
          case .get, .put, .health, .services, .describe, .call:
            // A call held up (a handler at a debugger's breakpoint) says how long it has waited.
            let waiting = Task { [json] in
              var seconds = 0
              while (try? await Task.sleep(for: Self.waitingEvery)) != nil {
                seconds += Int(Self.waitingEvery.seconds)
                _ = writeLine(SessionEventFormatter.waiting(text, seconds: seconds, json: json))
              }
            }
            let record = await session.call(command, text: text)
            waiting.cancel()
            if !record.ok && !Task.isCancelled { failures.add() }
          case .restart:
            if !(await session.restart()) { failures.add() }
          case .export(let path) where ConsoleCommand.isCaptureExport(path):
            do {
              writeLine(stderr: true, "plugin-dev: \(try await session.exportCapture(to: path))")
            } catch {
              writeLine(stderr: true, "plugin-dev: --exec '\(text)': \(error)")
              failures.add()
            }
          case .export:
            writeLine(
              stderr: true,
              "plugin-dev: '\(text)' exports the TUI's frame list; headless, record the whole session with --export FILE.jsonl (or export FILE.pcapng for a capture); ignored"
            )
          case .clear, .help:
            writeLine(stderr: true, "plugin-dev: '\(text)' only makes sense in the TUI; ignored")
          }
        } catch {
          writeLine(stderr: true, "plugin-dev: --exec '\(text)': \(error)")
          failures.add()
        }
      }
      if let runFor {
        try? await Task.sleep(for: runFor)
      } else if execs.isEmpty || keepServing {
        try? await Task.sleep(for: .seconds(86_400 * 365))
      }
      stopContinuation.yield("done")
      return true
    }
    // The first stop request, or the work's own end (it ends early when start fails).
    Task { if await !work.value { stopContinuation.yield("not started") } }
    for await _ in stopRequests { break }
    work.cancel()
    await session.finish()
    stopContinuation.finish()
    var code: Int32 = await work.value ? 0 : 2
    _ = await printer.value
    if let capture = await session.captureFile {
      writeLine(stderr: true, "plugin-dev: \(capture)")
      if capture.error != nil { code = max(code, 1) }
    }
    if let recorded = Self.recordingSummary(session.events.recorder) {
      writeLine(stderr: true, recorded.text)
      if recorded.failed { code = max(code, 1) }
    }
    if code == 0 && failures.count > 0 { code = 1 }
    return code
  }
}

extension HeadlessRunner {
  /// What `--export` recorded, for the last line on stderr (the TUI prints it too).
  static func recordingSummary(_ recorder: SessionRecorder?) -> (text: String, failed: Bool)? {
    guard let recorder else { return nil }
    if let failure = recorder.failure {
      return ("plugin-dev: could not write \(recorder.path): \(failure) (the log ends early)", true)
    }
    return (
      "plugin-dev: recorded \(recorder.frames) frames (\(recorder.events) events) to \(recorder.path); "
        + "read it with: plugin-dev view \(recorder.path)", false
    )
  }
}

/// Failures counted by the printer and the commands.
private final class FailureCount: Sendable {
  private let value = Mutex(0)
  func add() { value.withLock { $0 += 1 } }
  var count: Int { value.withLock { $0 } }
}
