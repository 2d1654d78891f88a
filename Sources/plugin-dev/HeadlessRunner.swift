import Foundation
import PluginHost
import PluginProtocol
import Synchronization
import TerminalUI
import WireTap

#if canImport(Glibc)
import Glibc
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
  let frameLimit: Int
  let exportPath: String?

  /// Runs to the end; returns the exit status (0 ok, 1 a call failed or the plugin died, 2 build/handshake failed).
  func run() async -> Int32 {
    let (stopRequests, stopContinuation) = AsyncStream<String>.makeStream()
    let signals = SignalRelay(signals: [SIGINT, SIGTERM, SIGHUP]) { signal in
      stopContinuation.yield("signal \(signal)")
    }
    defer { signals.cancel() }

    let failures = Mutex(0)
    let printer = Task { [session, json, showFrames, everyHealth, frameLimit] () -> FrameLog in
      var formatter = SessionEventFormatter(showFrames: showFrames, showEveryHealthCheck: everyHealth)
      var log = FrameLog(capacity: frameLimit)
      for await event in session.events {
        switch event {
        case .frame(let record): log.append(record)
        case .exited(_, let expected) where !expected:
          failures.withLock { $0 += 1 }
          stopContinuation.yield("plugin exited")
        default: break
        }
        if let line = json ? formatter.json(event) : formatter.text(event), !writeLine(line) {
          stopContinuation.yield("stdout closed")
        }
      }
      return log
    }

    var code: Int32 = 0
    if await session.start() {
      for text in execs {
        do {
          let command = try ConsoleCommand.parse(text)
          switch command {
          case .get, .put, .health:
            let record = await session.call(command, text: text)
            if !record.ok { failures.withLock { $0 += 1 } }
          case .restart:
            if !(await session.restart()) { failures.withLock { $0 += 1 } }
          case .clear, .help, .export:
            writeLine(stderr: true, "plugin-dev: '\(text)' only makes sense in the TUI; ignored")
          }
        } catch {
          writeLine(stderr: true, "plugin-dev: --exec '\(text)': \(error.description)")
          failures.withLock { $0 += 1 }
        }
      }
      if let runFor {
        await firstOf(stopRequests, orAfter: runFor)
      } else if execs.isEmpty {
        await firstOf(stopRequests, orAfter: nil)
      }
    } else {
      code = 2
    }
    await session.finish()
    stopContinuation.finish()
    let log = await printer.value
    if let exportPath {
      do {
        try log.exportJSONLines().write(toFile: exportPath, atomically: true, encoding: .utf8)
        writeLine(stderr: true, "plugin-dev: wrote \(log.count) frames to \(exportPath)")
      } catch {
        writeLine(stderr: true, "plugin-dev: could not write \(exportPath): \(error.localizedDescription)")
        code = max(code, 1)
      }
    }
    if code == 0 && failures.withLock({ $0 }) > 0 { code = 1 }
    return code
  }

  /// Waits for a stop request, or until `duration` passes (nil: no time limit).
  private func firstOf(_ requests: AsyncStream<String>, orAfter duration: Duration?) async {
    await withTaskGroup(of: Void.self) { group in
      group.addTask {
        for await _ in requests { return }
      }
      if let duration {
        group.addTask { try? await Task.sleep(for: duration) }
      }
      await group.next()
      group.cancelAll()
    }
  }
}
