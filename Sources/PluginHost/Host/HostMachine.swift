import Foundation
import PluginProtocol

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The life of a plugin under a go-plugin host, as a state machine with no I/O: events in
/// (the process started, a line, the exit, a connection made, a timer fired, a stop asked
/// for), actions out (spawn, connect, check health, send Shutdown, signal the group, set a
/// timer, report). `HostCore` performs the actions; `run`, `check` and what comes next share it.
///
/// It owns the `HandshakeWatcher` of the current start and the stop sequence of go-plugin's
/// `Kill()`: Shutdown, up to `shutdownGrace` for the exit, then SIGKILL to the process group.
/// Attached (`Configuration.attach`, `run --attach`) a start connects to the given line at once,
/// a stop (a restart) disconnects, and the finish is Shutdown and the grace only: nothing is ever
/// spawned, signalled or killed.
public struct HostMachine: Sendable {
  /// The configuration.
  public var configuration: Configuration
  /// Where the plugin is.
  public private(set) var state: State = .idle
  /// The current start's watcher.
  public private(set) var watcher: HandshakeWatcher?
  private var accepted = false
  private var finishing = false
  private var processAlive = false
  private var handshakeTimer: ContinuousClock.Instant?

  /// A machine in `.idle`.
  public init(_ configuration: Configuration) {
    self.configuration = configuration
  }

  /// Feeds one event that happens at `now`; returns the actions to perform, in order.
  public mutating func receive(_ event: Event, now: ContinuousClock.Instant) -> [Action] {
    switch event {
    case .start(let build): return start(build: build, now: now)
    case .buildFinished(let success): return buildFinished(success)
    case .spawned(let at): return spawned(at: at)
    case .spawnFailed(let reason): return spawnFailed(reason)
    case .stdout(let line, let at): return watch(.stdout(line, at: at), now: now)
    case .stdoutClosed(let at): return watch(.stdoutClosed(at: at), now: now)
    case .stderr(let line): return watch(.stderr(line), now: now)
    case .exited(let status, let at): return exited(status, at: at, now: now)
    case .connected: return connected()
    case .connectFailed(let diagnosis): return state == .connecting ? fail(diagnosis) : []
    case .healthChecked:
      guard state == .running, let interval = configuration.healthInterval else { return [] }
      return [.setTimer(.health, at: now + interval)]
    case .stop(let silent): return stop(pluginSilent: silent, now: now)
    case .finish(let silent):
      finishing = true
      return stop(pluginSilent: silent, now: now)
    case .timerFired(let timer): return fired(timer, now: now)
    }
  }

  // MARK: - Starting

  private mutating func start(build: Bool, now: ContinuousClock.Instant) -> [Action] {
    switch state {
    case .idle:
      accepted = false
      watcher = nil
      if let line = configuration.attach {
        // Attached: the plugin printed its line long ago; connect to it.
        accepted = true
        state = .connecting
        let warnings = line.warnings(rawLine: line.formatted, expecting: configuration.expectations)
        return [.report(.handshake(line, raw: line.formatted, warnings: warnings, at: now)), .connect(line)]
      }
      state = build ? .building : .spawning
      return [build ? .runBuild : .spawn]
    case .finished:
      return [.decide(false)]
    default:
      return []
    }
  }

  private mutating func buildFinished(_ success: Bool) -> [Action] {
    guard state == .building else { return [] }
    guard success else {
      state = .idle
      return [.decide(false)]
    }
    state = .spawning
    return [.spawn]
  }

  private mutating func spawned(at: ContinuousClock.Instant) -> [Action] {
    processAlive = true
    switch state {
    case .spawning:
      state = .handshaking
      watcher = HandshakeWatcher(
        expectations: configuration.expectations, startedAt: at, timeout: configuration.handshakeTimeout)
      return syncHandshakeTimer()
    case .killing:
      // Stopped while spawning: the process goes at once.
      return [.kill]
    default:
      return []
    }
  }

  private mutating func spawnFailed(_ reason: String) -> [Action] {
    switch state {
    case .spawning:
      state = .idle
      return [
        .report(.handshakeFailed(.exitedBeforeHandshake(status: .exited(127), stderrTail: [reason]))), .decide(false),
      ]
    case .killing:
      return ended()
    default:
      return []
    }
  }

  // MARK: - The handshake and the connection

  /// Feeds the watcher and turns its outputs into actions.
  private mutating func watch(_ input: HandshakeWatcher.Input, now: ContinuousClock.Instant) -> [Action] {
    guard var current = watcher else { return [] }
    let outputs = current.receive(input)
    watcher = current
    var actions: [Action] = []
    for output in outputs {
      switch output {
      case .accepted(let line, let raw, let warnings):
        guard state == .handshaking else { continue }
        accepted = true
        state = .connecting
        let at: ContinuousClock.Instant = if case .stdout(_, let at) = input { at } else { now }
        actions += [.report(.handshake(line, raw: raw, warnings: warnings, at: at)), .connect(line)]
      case .failed(let diagnosis) where accepted:
        if state != .shuttingDown, state != .killing { actions.append(.report(.lateDiagnosis(diagnosis))) }
      case .failed(let diagnosis):
        actions += fail(diagnosis)
      case .probeUnflushed:
        actions += [
          .report(
            .notice(
              "no handshake within \(configuration.handshakeTimeout); sending SIGINT, then SIGTERM, to see whether output was stuck in a buffer"
            )),
          .signal(SIGINT), .setTimer(.sigterm, at: now + configuration.signalGap),
        ]
      case .strayStdout(let text):
        actions.append(.report(.strayStdout(text)))
      }
    }
    return actions + syncHandshakeTimer()
  }

  /// Sets or cancels the handshake timer to match the watcher's next deadline.
  private mutating func syncHandshakeTimer() -> [Action] {
    let deadline = watcher?.nextDeadline
    guard deadline != handshakeTimer else { return [] }
    handshakeTimer = deadline
    return [deadline.map { .setTimer(.handshake, at: $0) } ?? .cancelTimer(.handshake)]
  }

  /// The start failed: report it and SIGKILL the plugin if it still runs.
  private mutating func fail(_ diagnosis: HandshakeDiagnosis) -> [Action] {
    guard state == .handshaking || state == .connecting else { return [] }
    if var current = watcher {
      _ = current.receive(.stopRequested)
      watcher = current
    }
    var actions: [Action] = [.report(.handshakeFailed(diagnosis)), .cancelTimer(.sigterm)]
    actions += syncHandshakeTimer()
    if processAlive {
      state = .killing
      actions.append(.kill)
    } else {
      state = .idle
      actions.append(.teardown)
    }
    return actions + [.decide(false)]
  }

  private mutating func connected() -> [Action] {
    guard state == .connecting else { return [] }
    state = .running
    let checks = configuration.healthInterval != nil || configuration.healthOnce
    return [.decide(true)] + (checks ? [.checkHealth] : [])
  }

  // MARK: - Stopping

  private mutating func stop(pluginSilent: Bool, now: ContinuousClock.Instant) -> [Action] {
    switch state {
    case .idle:
      guard finishing else { return [] }
      state = .finished
      return [.finished]
    case .finished, .shuttingDown, .killing:
      return []
    case .building:
      state = finishing ? .finished : .idle
      return [.report(.notice("stopping the build step")), .cancelBuild, .decide(false)]
        + (finishing ? [.finished] : [])
    case .spawning:
      state = .killing
      return [.decide(false)]
    case .connecting where configuration.attach != nil:
      return ended()
    case .handshaking, .connecting:
      return stopRequested() + [.kill, .decide(false)]
    case .running:
      var actions = stopRequested() + [.cancelTimer(.health)]
      if configuration.attach != nil, !finishing {
        // A restart of an attached session reconnects: Shutdown would end the plugin being debugged.
        return actions + [
          .report(.notice("disconnecting from the attached plugin (Shutdown is sent only when plugin-dev quits)"))
        ]
          + ended()
      }
      if pluginSilent, configuration.attach != nil {
        return actions + [
          .report(
            .notice(
              "stopping: the plugin never sent a byte of HTTP/2, so Shutdown cannot reach it; attached, so it is left running"
            ))
        ] + ended()
      }
      if pluginSilent {
        actions += [
          .report(
            .notice("stopping: the plugin never sent a byte of HTTP/2, so Shutdown cannot reach it; sending SIGKILL")),
          .kill,
        ]
        return actions
      }
      state = .shuttingDown
      let grace = configuration.shutdownGrace
      let then =
        configuration.attach == nil
        ? "then up to \(Self.text(grace))" : "waiting \(Self.text(grace)) (attached: never killed)"
      return actions + [
        .report(.notice("stopping: plugin.GRPCController/Shutdown, \(then)")),
        .sendShutdown, .setTimer(.shutdownGrace, at: now + grace),
      ]
    }
  }

  /// Tells the watcher that what follows is the stop sequence; the state becomes `.killing`.
  private mutating func stopRequested() -> [Action] {
    if var current = watcher {
      _ = current.receive(.stopRequested)
      watcher = current
    }
    state = .killing
    return [.cancelTimer(.sigterm)] + syncHandshakeTimer()
  }

  private mutating func fired(_ timer: Timer, now: ContinuousClock.Instant) -> [Action] {
    switch (timer, state) {
    case (.handshake, _):
      handshakeTimer = nil
      return watch(.tick(at: now), now: now)
    case (.sigterm, .handshaking):
      return [.signal(SIGTERM)]
    case (.health, .running):
      return [.checkHealth]
    case (.shutdownGrace, .shuttingDown) where configuration.attach != nil:
      // Attached: whatever the plugin did with Shutdown, plugin-dev lets go of it.
      return ended()
    case (.shutdownGrace, .shuttingDown):
      state = .killing
      let grace = configuration.shutdownGrace
      return [
        .report(
          .notice(
            "the plugin did not exit within \(Self.text(grace)) of Shutdown (a go-plugin host logs 'plugin failed to exit gracefully'); sending SIGKILL"
          )),
        .report(.graceExpired), .kill,
      ]
    default:
      return []
    }
  }

  // MARK: - The exit

  private mutating func exited(
    _ status: PluginProcess.ExitStatus, at: ContinuousClock.Instant, now: ContinuousClock.Instant
  ) -> [Action] {
    guard processAlive else { return [] }
    processAlive = false
    var actions = watch(.exited(status, at: at), now: now)
    switch state {
    case .handshaking, .connecting, .running:
      actions.append(.report(.exited(status, expected: false, at: at)))
    case .shuttingDown, .killing:
      actions.append(.report(.exited(status, expected: true, at: at)))
    case .idle:
      // A failure already tore down (the process had ended first): only the exit is left to report.
      return actions + [.report(.exited(status, expected: true, at: at))]
    case .building, .spawning, .finished:
      return actions
    }
    return actions + ended()
  }

  /// The start is over: timers cancelled, everything closed.
  private mutating func ended() -> [Action] {
    state = finishing ? .finished : .idle
    let timers = Timer.allCases.map { Action.cancelTimer($0) }
    handshakeTimer = nil
    return timers + [.teardown, .decide(false)] + (finishing ? [.finished] : [])
  }

  /// `2 s`, `1.5 s`.
  static func text(_ duration: Duration) -> String {
    let seconds = duration.seconds
    return seconds == seconds.rounded() ? "\(Int(seconds)) s" : String(format: "%.1f s", seconds)
  }
}
