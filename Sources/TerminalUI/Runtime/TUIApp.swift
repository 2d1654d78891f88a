import Foundation
import PluginHost
import PluginSession
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
  /// What the TUI shows.
  public enum Source: Sendable {
    /// A session to run (not started yet; the TUI starts it so the build and handshake show).
    case session(Session)
    /// A plugin-dev log, read-only (`plugin-dev view`), followed while its writer adds to it.
    case recording(RecordingFollower)
  }

  /// What the TUI shows.
  public let source: Source
  /// Frames kept in the frame log.
  public var frameLimit: Int
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
    session: Session, frameLimit: Int = 100_000, execs: [String] = [],
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) {
    self.init(source: .session(session), frameLimit: frameLimit, execs: execs, environment: environment)
  }

  /// Creates the app on `source`.
  public init(
    source: Source, frameLimit: Int = 100_000, execs: [String] = [],
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) {
    self.source = source
    self.execs = execs
    self.frameLimit = frameLimit
    let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
    self.screenOptions = NcursesScreen.Options(colors: !noColor, mouse: true)
  }

  /// Runs until the user quits; returns the exit status (0, or 1 when the `--pcap` file could
  /// not be written). Throws when the terminal cannot be used (then nothing was started).
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

    let events = feed(sink)
    let ticks = Task {
      while !Task.isCancelled {
        try? await Task.sleep(for: .milliseconds(500))
        sink.yield(.tick(Date()))
      }
    }

    await loop(actions: actions, sink: sink, screen: screen)

    ticks.cancel()
    // A start still in its build step ends with it: after finish() nothing starts.
    if case .session(let session) = source { await session.finish() }
    events.cancel()
    await screen.close()
    signals.cancel()
    CrashGuard.setPluginGroup(0)
    CrashGuard.setSavedStderr(-1)
    Self.replay(capture?.restore() ?? [])
    sink.finish()
    if case .session(let session) = source, let capture = await session.captureFile {
      FileHandle.standardError.write(Data("plugin-dev: \(capture)\n".utf8))
      if capture.error != nil { return 1 }
    }
    return 0
  }

  /// Feeds the source's events to the loop: a session's (started here), or a log's.
  private func feed(_ sink: AsyncStream<Action>.Continuation) -> Task<Void, Never> {
    switch source {
    case .session(let session):
      Task {
        let ready = await session.start()
        sink.yield(.startFinished(ready))
      }
      return Task {
        for await event in session.events {
          switch event {
          case .started(let info): CrashGuard.setPluginGroup(info.pid)
          case .exited: CrashGuard.setPluginGroup(0)
          default: break
          }
          sink.yield(.session(event, at: Date()))
        }
      }
    case .recording(let follower):
      // A log's pids are history: nothing here is ever signalled.
      return Task {
        for await item in follower.items() {
          switch item {
          case .event(let event, let time): sink.yield(.session(event, at: time))
          case .caughtUp: sink.yield(.viewProgress(.live))
          case .end(let complete): sink.yield(.viewProgress(.ended(complete: complete)))
          }
        }
      }
    }
  }

  /// Processes actions until quitting is done (the session finished, or the stop timed out).
  private func loop(actions: AsyncStream<Action>, sink: AsyncStream<Action>.Continuation, screen: NcursesScreen) async {
    let clock = ContinuousClock()
    var state: AppState
    switch source {
    case .session(let session):
      state = AppState(pluginName: session.target.name, frameCapacity: frameLimit, now: Date())
    case .recording(let follower):
      state = AppState(pluginName: follower.pluginName, frameCapacity: frameLimit, now: follower.header.time)
      state.viewing = ViewInfo(path: follower.path, header: follower.header)
    }
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
          // A log has nothing to stop.
          guard case .session(let session) = source else { return }
          stopDeadline = clock.now + Self.stopTimeout
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
  }

  private func perform(_ effect: Effect, state: AppState, sink: AsyncStream<Action>.Continuation, screen: NcursesScreen)
  {
    switch effect {
    case .export(let path):
      // The TUI's content, as a plugin-dev log that `view` opens.
      let events = state.recordingSnapshot()
      let header = RecordingHeader(
        writer: state.viewing == nil ? "run (console export)" : "view (console export of \(state.viewing?.path ?? ""))",
        hostPid: state.viewing?.header.hostPid ?? getpid(),
        hostCommand: state.viewing?.header.hostCommand ?? CommandLine.arguments.joined(separator: " "),
        plugin: state.pluginName, command: state.command.map { [$0] } ?? [], autoMTLS: state.usedAutoMTLS)
      let frames = state.frames.count
      Task.detached {
        let url = URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
        do throws(RecordingError) {
          let recorder = try SessionRecorder(path: url.path, header: header)
          for (event, time) in events { recorder.record(event, at: time) }
          recorder.close()
          if let failure = recorder.failure { throw RecordingError(path: url.path, line: nil, message: failure) }
          sink.yield(.exportFinished(path: url.path, frames: frames, error: nil))
        } catch {
          sink.yield(.exportFinished(path: url.path, frames: 0, error: error.message))
        }
      }
    case .repaint:
      screen.repaint()
    case .quit:
      break
    default:
      guard case .session(let session) = source else { return }
      perform(effect, session: session, sink: sink)
    }
  }

  /// The effects that act on the plugin.
  private func perform(_ effect: Effect, session: Session, sink: AsyncStream<Action>.Continuation) {
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
    case .exportCapture(let path):
      Task.detached {
        do {
          let summary = try await session.exportCapture(to: path)
          sink.yield(.captureExportFinished(path: path, summary: summary.description, error: nil))
        } catch {
          sink.yield(.captureExportFinished(path: path, summary: nil, error: "\(error)"))
        }
      }
    case .export, .repaint, .quit:
      break
    }
  }

  /// Writes what plugin-dev printed to stderr while the screen was active.
  private static func replay(_ lines: [String]) {
    guard !lines.isEmpty else { return }
    FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
  }
}
