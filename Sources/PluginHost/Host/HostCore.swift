import AutoMTLS
import Capture
import Foundation
import GRPCCore
import PluginProtocol
import Relay
import Synchronization
import WireTap

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs one plugin like a go-plugin host: the one actor that performs a `HostMachine`'s actions.
///
/// Build step → spawn (own process group, cookie and `PLUGIN_*` environment) → handshake watch
/// → address check and connection (through the decoding relay when asked) → the Go host's
/// streams and the health loop → stop: Shutdown, up to 2 s, then SIGKILL to the process group.
/// Every event goes to the machine; every action it returns is performed here; timers are
/// tasks that sleep until their instant and report back. `run` (Session) and `check` use it.
public actor HostCore {
  /// The plugin.
  public nonisolated let target: PluginTarget
  /// The options in force.
  public nonisolated let options: HostOptions
  let observe: @Sendable (HostEvent) -> Void
  var machine: HostMachine
  /// Bumped at every start: completions of an earlier start are dropped.
  var epoch = 0
  var starts = 0
  var run: Run?
  var timers = HostTimers()
  private var waiters = HostWaiters()
  /// Work that must end before a stop returns (a teardown, a cancelled build).
  var pending = 0
  /// Attached: why the host certificate of `--mtls-dir` could not be read, if it could not.
  var attachIdentityProblem: String?
  /// Attached: whether the plugin stopped answering health checks (paused at a breakpoint?).
  var attachedSilent = false
  var building: PluginProcess?
  var buildTask: Task<Void, Never>?
  var buildOnStart: Bool
  var identity: AutoMTLSIdentity?
  /// The relay traffic as pcapng (with the tap): `--pcap`'s file and the console's export.
  package nonisolated let capture: TrafficCapture?
  /// The descriptors the relay's decoder consults before the built-in types (nil: none).
  nonisolated let schemas: SchemaStore?
  /// The `--pcap` file's summary, once finished.
  package var captureSummary: CaptureSummary?
  /// How the last stop went.
  public internal(set) var lastStop = StopOutcome()

  /// The resources of one start.
  final class Run {
    let epoch: Int
    var process: PluginProcess?
    var handshake: HandshakeLine?
    var connection: PluginConnection?
    var proxy: TapProxy?
    /// `run --serve`: the relay's listener for a real host.
    var servedProxy: TapProxy?
    var proxyDirectory: PrivateDirectory?
    /// `--socket-dir`'s folder of this start.
    var socketFolder: SocketFolder?
    var traffic: RelayTraffic?
    var streams: GoHostStreams?
    var tasks: [Task<Void, Never>] = []
    var shutdown: (sent: ContinuousClock.Instant, task: Task<Void, Never>)?
    let answer = LockedValue<ShutdownReply?>(nil)
    var exit: (status: PluginProcess.ExitStatus, at: ContinuousClock.Instant)?
    var killed = false
    var graceExpired = false

    init(epoch: Int) { self.epoch = epoch }
  }

  /// A host for `target`; `observe` hears everything, in order, on the actor.
  public init(
    target: PluginTarget, options: HostOptions, schemas: SchemaStore? = nil,
    observe: @escaping @Sendable (HostEvent) -> Void
  ) {
    self.target = target
    self.schemas = schemas
    self.options = options
    self.observe = observe
    buildOnStart = options.runBuild
    capture = options.tap ? TrafficCapture(pcapPath: options.pcapPath, memoryLimit: options.captureMemoryLimit) : nil
    var configuration = HostMachine.Configuration(
      expectations: HostLaunch.environment(target, options).expectations(), handshakeTimeout: options.handshakeTimeout,
      healthInterval: options.healthInterval)
    configuration.shutdownGrace = .seconds(2)
    configuration.healthOnce = options.healthOnce
    configuration.attach = options.attach?.line
    machine = HostMachine(configuration)
    if let directory = options.attach?.mtlsDirectory {
      (identity, attachIdentityProblem) = Self.loadIdentity(from: directory)
    }
  }

  // MARK: - Lifecycle

  /// Builds (when asked), starts the plugin and waits for the handshake and the connection; true when it is ready.
  @discardableResult
  public func start() async -> Bool {
    guard machine.state == .idle else { return waiters.decided ?? false }
    waiters.undecide()
    lastStop = StopOutcome()
    epoch += 1
    if options.attach != nil {
      run = Run(epoch: epoch)
      attachedSilent = false
    }
    let build = target.build != nil && buildOnStart
    feed(.start(build: build))
    if let decided = waiters.decided { return decided }
    return await withCheckedContinuation { waiters.awaitDecision($0) }
  }

  /// Stops the plugin like go-plugin's `Kill()` and returns once it has exited and everything is closed.
  /// A plugin that never sent a byte on the connection gets SIGKILL at once (Shutdown cannot
  /// reach it) unless `evenIfSilent`, as `check` asks, to observe the whole sequence.
  @discardableResult
  public func stop(evenIfSilent: Bool = false) async -> StopOutcome {
    feed(.stop(pluginSilent: !evenIfSilent && pluginIsSilent))
    await settled()
    return lastStop
  }

  /// Stops, then starts again; the build step runs first when `rebuild` (and a build step exists and is on).
  public func restart(rebuild: Bool) async -> Bool {
    await stop()
    buildOnStart = rebuild && options.runBuild && target.build != nil
    return await start()
  }

  /// Whether the next start runs the build step.
  public var rebuildsOnStart: Bool { buildOnStart && target.build != nil }

  /// Stops everything; nothing starts afterwards.
  public func finish() async {
    feed(.finish(pluginSilent: pluginIsSilent))
    await settled()
    captureSummary = capture?.finish()
  }

  /// Whether the plugin never sent a byte on the connection (a Shutdown cannot reach it).
  private var pluginIsSilent: Bool { run?.connection.map { $0.traffic.bytesFromPlugin == 0 } ?? false }

  /// The pid of the running plugin, if any.
  public var pid: Int32? { run?.exit == nil ? run?.process?.pid : nil }
  /// The accepted handshake of the current start.
  public var handshake: HandshakeLine? { run?.handshake }
  /// The connection to the plugin while it runs.
  public var connection: PluginConnection? { run?.connection }
  /// The process of the current start.
  public var process: PluginProcess? { run?.process }

  /// How the Go host's two streams went (`check`'s `stdio.stream` and `broker.stream`), as seen
  /// on `connection`: a stream cannot be open where the plugin never sent a byte.
  package func streamOutcomes(on connection: PluginConnection) async -> (stdio: StreamOutcome, broker: StreamOutcome) {
    if connection.traffic.bytesFromPlugin == 0 {
      let silent = StreamOutcome.failed(code: .unavailable, message: "the plugin sent no HTTP/2 at all")
      return (silent, silent)
    }
    guard let streams = run?.streams else {
      let unopened = StreamOutcome.failed(code: .unavailable, message: "the stream was not opened")
      return (unopened, unopened)
    }
    return (await streams.stdioOutcome(), await streams.brokerOutcome())
  }

  // MARK: - The machine

  /// Feeds the machine an event of start `epoch` (nil: the current one) and performs its actions.
  func feed(_ event: HostMachine.Event, from epoch: Int? = nil) {
    if let epoch, epoch != self.epoch { return }
    for action in machine.receive(event, now: .now) { perform(action) }
    resumeIfSettled()
  }

  func perform(_ action: HostMachine.Action) {
    switch action {
    case .runBuild:
      let epoch = self.epoch
      buildTask = Task { await self.build(epoch) }
    case .cancelBuild:
      building?.signalGroup(SIGKILL)
      if let buildTask {
        pending += 1
        Task {
          await buildTask.value
          self.done()
        }
      }
    case .spawn:
      spawn()
    case .report(let report):
      noteReport(report)
      observe(.report(report))
    case .connect(let line):
      let epoch = self.epoch
      run?.tasks.append(Task { await self.connect(line, epoch: epoch) })
    case .checkHealth:
      guard let connection = run?.connection else { return }
      let epoch = self.epoch
      run?.tasks.append(
        Task {
          let sample = await HealthCall.sample(connection)
          self.healthChecked(sample, epoch: epoch)
        })
    case .sendShutdown:
      sendShutdown()
    case .signal(let signal):
      run?.process?.signalGroup(signal)
    case .kill:
      run?.killed = true
      run?.process?.signalGroup(SIGKILL)
    case .setTimer(let timer, let at):
      timers.set(timer, at: at) { token in await self.timerFired(timer, token: token) }
    case .cancelTimer(let timer):
      timers.cancel(timer)
    case .teardown:
      teardown()
    case .decide(let ok):
      waiters.decide(ok)
    case .finished:
      break
    }
  }

  func noteReport(_ report: HostMachine.Report) {
    switch report {
    case .handshake(let line, _, _, _): run?.handshake = line
    case .graceExpired: run?.graceExpired = true
    case .exited(let status, _, let at): run?.exit = (status, at)
    default: break
    }
  }

  func timerFired(_ timer: HostMachine.Timer, token: Int) {
    guard timers.fired(timer, token: token) else { return }
    feed(.timerFired(timer))
  }

  func healthChecked(_ sample: HealthSample, epoch: Int) {
    // A check that ends after a stop began reports nothing: the plugin is going away.
    guard epoch == self.epoch, machine.state == .running else { return }
    observe(.health(sample))
    if options.attach != nil { noteAttachedHealth(sample) }
    if options.healthInterval == nil, options.healthOnce, let profile = options.profile {
      observe(.notice(HealthSample.notCheckedByHost(profile.name, sample: sample)))
    }
    feed(.healthChecked)
  }

  func done() {
    pending -= 1
    resumeIfSettled()
  }

  func settled() async {
    if isSettled { return }
    await withCheckedContinuation { waiters.awaitSettling($0) }
  }

  /// What the last start offered the plugin, as its handshake is judged.
  package var expectations: HandshakeExpectations { machine.configuration.expectations }

  /// Whether the plugin is connected and not being stopped.
  package var isRunning: Bool { machine.state == .running }
  var isSettled: Bool { pending == 0 && (machine.state == .idle || machine.state == .finished) }

  func resumeIfSettled() {
    guard isSettled else { return }
    waiters.settle()
  }
}
