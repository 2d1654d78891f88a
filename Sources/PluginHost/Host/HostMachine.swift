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
public struct HostMachine: Sendable {
  /// What the machine needs to know about the host it plays.
  public struct Configuration: Sendable, Equatable {
    /// What the host offers (versions, network), for judging the handshake.
    public var expectations: HandshakeExpectations
    /// go-plugin's `StartTimeout`.
    public var handshakeTimeout: Duration
    /// Interval between health checks while running; nil turns them off.
    public var healthInterval: Duration?
    /// How long the plugin has to exit after Shutdown before SIGKILL (go-plugin: 2 s).
    public var shutdownGrace: Duration = .seconds(2)
    /// Between SIGINT and SIGTERM when probing for an unflushed handshake.
    public var signalGap: Duration = .milliseconds(600)

    /// Creates a configuration.
    public init(expectations: HandshakeExpectations, handshakeTimeout: Duration, healthInterval: Duration?) {
      self.expectations = expectations
      self.handshakeTimeout = handshakeTimeout
      self.healthInterval = healthInterval
    }
  }

  /// Where the plugin is.
  public enum State: Sendable, Equatable, CaseIterable {
    /// Nothing runs: not started yet, or the last start ended.
    case idle
    /// The build step runs.
    case building
    /// The process is being spawned.
    case spawning
    /// The process runs; the handshake is awaited.
    case handshaking
    /// The handshake was accepted; the connection is being made.
    case connecting
    /// Connected.
    case running
    /// Shutdown was sent; waiting for the exit (a timer leads to SIGKILL).
    case shuttingDown
    /// SIGKILL was sent (or will be, once the spawn completes); waiting for the exit.
    case killing
    /// Over: nothing starts any more.
    case finished
  }

  /// The machine's timers; each is set and cancelled by actions.
  public enum Timer: String, Sendable, Hashable, CaseIterable {
    /// The handshake watcher's next deadline (start timeout, junk grace, probe end).
    case handshake
    /// SIGTERM after the SIGINT of the unflushed-handshake probe.
    case sigterm
    /// The next health check.
    case health
    /// The end of the grace after Shutdown.
    case shutdownGrace
  }

  /// What happened.
  public enum Event: Sendable, Equatable {
    /// Start the plugin, running the build step first when `build`.
    case start(build: Bool)
    /// The build step ended.
    case buildFinished(success: Bool)
    /// The process runs (spawned at `at`).
    case spawned(at: ContinuousClock.Instant)
    /// The process could not be spawned.
    case spawnFailed(reason: String)
    /// A stdout line.
    case stdout(String, at: ContinuousClock.Instant)
    /// stdout reached end of file.
    case stdoutClosed(at: ContinuousClock.Instant)
    /// A stderr line.
    case stderr(String)
    /// The process ended.
    case exited(PluginProcess.ExitStatus, at: ContinuousClock.Instant)
    /// The connection to the plugin is ready.
    case connected
    /// The announced address cannot be used.
    case connectFailed(HandshakeDiagnosis)
    /// A health check finished.
    case healthChecked
    /// Stop the plugin; `pluginSilent` when the plugin never sent a byte on the connection (a
    /// Shutdown could not reach it).
    case stop(pluginSilent: Bool)
    /// Stop the plugin and end.
    case finish
    /// A timer fired.
    case timerFired(Timer)
  }

  /// What the performer does, in order.
  public enum Action: Sendable, Equatable {
    /// Run the build step (its end comes back as `.buildFinished`).
    case runBuild
    /// Stop the build step.
    case cancelBuild
    /// Spawn the process (`.spawned` or `.spawnFailed` comes back).
    case spawn
    /// Tell the observers.
    case report(Report)
    /// Check the address and connect (`.connected` or `.connectFailed` comes back).
    case connect(HandshakeLine)
    /// Make one health check (`.healthChecked` comes back).
    case checkHealth
    /// Call `plugin.GRPCController/Shutdown`.
    case sendShutdown
    /// Send a signal to the plugin's process group.
    case signal(Int32)
    /// SIGKILL the process group and remove what the plugin could not (its unix socket).
    case kill
    /// Fire `timer` at `at` (replacing an earlier setting).
    case setTimer(Timer, at: ContinuousClock.Instant)
    /// Forget `timer`.
    case cancelTimer(Timer)
    /// Close the connection, the relay and the streams: the start is over.
    case teardown
    /// A `start()` waiting for the verdict returns this (once per start).
    case decide(Bool)
    /// Everything ended.
    case finished
  }

  /// What the observers hear.
  public enum Report: Sendable, Equatable {
    /// The handshake was accepted.
    case handshake(HandshakeLine, raw: String, warnings: [HandshakeWarning], at: ContinuousClock.Instant)
    /// The start failed: no usable handshake, or its address is unusable.
    case handshakeFailed(HandshakeDiagnosis)
    /// After an accepted handshake, the watcher saw what a failure would have been (a line written only at exit).
    case lateDiagnosis(HandshakeDiagnosis)
    /// A stdout line after the handshake.
    case strayStdout(String)
    /// Informational text.
    case notice(String)
    /// The grace after Shutdown ended with the plugin still running (SIGKILL follows).
    case graceExpired
    /// The process ended; `expected` when the host was stopping it.
    case exited(PluginProcess.ExitStatus, expected: Bool, at: ContinuousClock.Instant)
  }

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
    case .start(let build): return start(build: build)
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
    case .finish:
      finishing = true
      return stop(pluginSilent: false, now: now)
    case .timerFired(let timer): return fired(timer, now: now)
    }
  }

  // MARK: - Starting

  private mutating func start(build: Bool) -> [Action] {
    switch state {
    case .idle:
      accepted = false
      watcher = nil
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
      return [.report(.handshakeFailed(.exitedBeforeHandshake(status: .exited(127), stderrTail: [reason]))), .decide(false)]
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
          .report(.notice(
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
    return [.decide(true)] + (configuration.healthInterval == nil ? [] : [.checkHealth])
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
      return [.report(.notice("stopping the build step")), .cancelBuild, .decide(false)] + (finishing ? [.finished] : [])
    case .spawning:
      state = .killing
      return [.decide(false)]
    case .handshaking, .connecting:
      return stopRequested() + [.kill, .decide(false)]
    case .running:
      var actions = stopRequested() + [.cancelTimer(.health)]
      if pluginSilent {
        actions += [
          .report(.notice("stopping: the plugin never sent a byte of HTTP/2, so Shutdown cannot reach it; sending SIGKILL")),
          .kill,
        ]
        return actions
      }
      state = .shuttingDown
      let grace = configuration.shutdownGrace
      return actions + [
        .report(.notice("stopping: plugin.GRPCController/Shutdown, then up to \(Self.text(grace))")),
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
    case (.shutdownGrace, .shuttingDown):
      state = .killing
      let grace = configuration.shutdownGrace
      return [
        .report(.notice(
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
