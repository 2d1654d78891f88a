import Foundation
import PluginProtocol

/// The machine's vocabulary: its configuration, states, timers, events, actions and reports.
extension HostMachine {
  /// What the machine needs to know about the host it plays.
  public struct Configuration: Sendable, Equatable {
    /// What the host offers (versions, network), for judging the handshake.
    public var expectations: HandshakeExpectations
    /// go-plugin's `StartTimeout`.
    public var handshakeTimeout: Duration
    /// Interval between health checks while running; nil turns them off.
    public var healthInterval: Duration?
    /// With no interval: check health once, right after connecting (a host profile whose host
    /// never checks health: the plugin's answer is shown, and nothing more is asked).
    public var healthOnce = false
    /// How long the plugin has to exit after Shutdown before SIGKILL (go-plugin: 2 s).
    public var shutdownGrace: Duration = .seconds(2)
    /// Between SIGINT and SIGTERM when probing for an unflushed handshake.
    public var signalGap: Duration = .milliseconds(600)
    /// Attached to a plugin already running at this line's address (`run --attach`): a start
    /// connects at once, and nothing is ever spawned, signalled or killed.
    public var attach: HandshakeLine?

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
    /// Stop the plugin (as `.stop`) and end.
    case finish(pluginSilent: Bool)
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
}
