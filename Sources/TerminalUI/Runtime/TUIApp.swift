import Foundation
import PluginHost
import WireTap

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `plugin-dev run` in a terminal: starts the session, feeds its events, keys and ticks to
/// `update`, draws with `render` on an `NcursesScreen` (at most ~30 times a second), runs the
/// effects, and on quit stops the plugin (Shutdown, 2 s, SIGKILL) and restores the terminal.
///
/// SIGINT, SIGTERM and SIGHUP take the same path as `q`; a crash restores the terminal and
/// kills the plugin's process group (`CrashGuard`); `atexit` ends curses if the process exits.
public struct TUIApp: Sendable {
  /// The session to run (not started yet; the TUI starts it so the build and handshake show).
  public let session: Session
  /// Frames kept in the frame log.
  public var frameLimit: Int
  /// Where to write the frame log (JSON lines) when the TUI ends.
  public var exportPath: String?
  /// How the terminal is used.
  public var screenOptions: NcursesScreen.Options
  /// Console commands to run, in order, once the plugin is ready (`run --exec`), shown in the console.
  public var execs: [String]

  /// Longest wait for the plugin to stop after quitting before the screen closes anyway.
  static let stopTimeout: Duration = .seconds(6)
  /// Shortest time between two draws.
  static let frameInterval: Duration = .milliseconds(33)

  /// Creates the app; colours are off when `NO_COLOR` is set to anything non-empty.
  public init(
    session: Session, frameLimit: Int = 100_000, exportPath: String? = nil, execs: [String] = [],
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) {
    self.session = session
    self.execs = execs
    self.frameLimit = frameLimit
    self.exportPath = exportPath
    let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
    self.screenOptions = NcursesScreen.Options(colors: !noColor, mouse: true)
  }

  /// Runs until the user quits; returns the exit status (0, or 1 when `exportPath` or the
  /// `--pcap` file could not be written). Throws when the terminal cannot be used (then nothing was started).
  public func run() async throws(TUIError) -> Int32 {
    let (actions, sink) = AsyncStream<Action>.makeStream(bufferingPolicy: .unbounded)
    let capture = StderrCapture { sink.yield(.hostOutput($0)) }
    let screen: NcursesScreen
    do {
      screen = try await NcursesScreen.open(options: screenOptions) { input in
        switch input {
        case .key(let key): sink.yield(.key(key))
        case .mouse(let event): sink.yield(.mouse(event))
        case .resize(let size): sink.yield(.resize(size))
        }
      }
    } catch {
      Self.replay(capture?.restore() ?? [])
      throw error
    }
    if let capture { CrashGuard.setSavedStderr(capture.savedFD) }
    let signals = SignalRelay(signals: [SIGINT, SIGTERM, SIGHUP]) { number in
      sink.yield(.quitRequested(reason: "signal \(number)"))
    }

    let session = self.session
    let events = Task {
      for await event in session.events {
        switch event {
        case .started(let info): CrashGuard.setPluginGroup(info.pid)
        case .exited: CrashGuard.setPluginGroup(0)
        default: break
        }
        sink.yield(.session(event, at: Date()))
      }
    }
    Task {
      let ready = await session.start()
      sink.yield(.startFinished(ready))
    }
    let ticks = Task {
      while !Task.isCancelled {
        try? await Task.sleep(for: .milliseconds(500))
        sink.yield(.tick(Date()))
      }
    }

    let state = await loop(actions: actions, sink: sink, screen: screen)

    ticks.cancel()
    // A start still in its build step ends with it: after finish() nothing starts.
    await session.finish()
    events.cancel()
    await screen.close()
    signals.cancel()
    CrashGuard.setPluginGroup(0)
    CrashGuard.setSavedStderr(-1)
    Self.replay(capture?.restore() ?? [])
    sink.finish()

    var code: Int32 = 0
    if let capture = await session.captureFile {
      FileHandle.standardError.write(Data("plugin-dev: \(capture)\n".utf8))
      if capture.error != nil { code = 1 }
    }
    guard let exportPath else { return code }
    do {
      try state.frames.writeJSONLines(to: URL(fileURLWithPath: (exportPath as NSString).expandingTildeInPath))
      FileHandle.standardError.write(Data("plugin-dev: wrote \(state.frames.count) frames to \(exportPath)\n".utf8))
      return code
    } catch {
      FileHandle.standardError.write(
        Data("plugin-dev: could not write \(exportPath): \(error.localizedDescription)\n".utf8))
      return 1
    }
  }

  /// Processes actions until quitting is done (the session finished, or the stop timed out).
  private func loop(actions: AsyncStream<Action>, sink: AsyncStream<Action>.Continuation, screen: NcursesScreen) async
    -> AppState
  {
    let clock = ContinuousClock()
    var state = AppState(pluginName: session.target.name, frameCapacity: frameLimit, now: Date())
    state.queueExecs(execs)
    var lastDraw = clock.now - .seconds(1)
    var drawScheduled = false
    var stopDeadline: ContinuousClock.Instant?
    screen.show(render(state, size: state.size))

    for await action in actions {
      let effects = update(&state, action)
      for effect in effects {
        perform(effect, state: state, sink: sink, screen: screen)
        if effect == .quit, stopDeadline == nil {
          stopDeadline = clock.now + Self.stopTimeout
          let session = self.session
          Task {
            await session.finish()
            sink.yield(.tick(Date()))
          }
        }
      }
      if let stopDeadline {
        if case .session(.finished, _) = action { break }
        if clock.now >= stopDeadline { break }
      }
      let now = clock.now
      if now - lastDraw >= Self.frameInterval {
        screen.show(render(state, size: state.size))
        lastDraw = now
      } else if !drawScheduled {
        drawScheduled = true
        let wait = Self.frameInterval - (now - lastDraw)
        Task {
          try? await Task.sleep(for: wait)
          sink.yield(.tick(Date()))
        }
      }
      if case .tick = action { drawScheduled = false }
    }
    return state
  }

  private func perform(_ effect: Effect, state: AppState, sink: AsyncStream<Action>.Continuation, screen: NcursesScreen)
  {
    let session = self.session
    switch effect {
    case .runCall(let command, let text):
      Task {
        let record = await session.call(command, text: text)
        sink.yield(.callFinished(record))
      }
    case .cancelCalls:
      Task { await session.cancelCalls() }
    case .restart(let rebuild):
      Task {
        let ready = await session.restart(rebuild: rebuild)
        sink.yield(.restartFinished(ready))
      }
    case .export(let path):
      let log = state.frames
      Task.detached {
        let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
        do {
          try log.writeJSONLines(to: url)
          sink.yield(.exportFinished(path: url.path, frames: log.count, error: nil))
        } catch {
          sink.yield(.exportFinished(path: url.path, frames: 0, error: error.localizedDescription))
        }
      }
    case .exportCapture(let path):
      Task.detached {
        do {
          let summary = try await session.exportCapture(to: path)
          sink.yield(.captureExportFinished(path: path, summary: summary.description, error: nil))
        } catch {
          sink.yield(.captureExportFinished(path: path, summary: nil, error: "\(error)"))
        }
      }
    case .repaint:
      screen.repaint()
    case .quit:
      break
    }
  }

  /// Writes what plugin-dev printed to stderr while the screen was active.
  private static func replay(_ lines: [String]) {
    guard !lines.isEmpty else { return }
    FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
  }
}
