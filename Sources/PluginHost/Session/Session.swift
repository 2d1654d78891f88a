import AutoMTLS
import Foundation
import GRPCCore
import PluginProtocol
import Relay
import SwiftProtobuf
import WireTap

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one plugin like a go-plugin host and reports everything on `events`.
///
/// Build step → spawn (own process group, cookie and `PLUGIN_*` environment) → handshake watch
/// → decoding relay (`TapProxy`) in front of the plugin → gRPC client through the relay (the
/// Go host's StartStream/StreamStdio calls, health checks, console calls) → stop: `Shutdown`,
/// up to 2 s, then SIGKILL to the process group (reference §6).
public actor Session {
  /// Everything the session reports, within a byte budget for slow readers; finishes after `.finished`.
  public nonisolated let events = SessionEvents()
  /// The plugin being run.
  public nonisolated let target: PluginTarget
  /// The options in force.
  public nonisolated let options: SessionOptions

  var generation = 0
  var run: Run?
  private var finished = false
  private var building: PluginProcess?

  /// The state of one start of the plugin.
  final class Run {
    let generation: Int
    let process: PluginProcess
    var watcher: HandshakeWatcher
    var logParser = LogLineParser()
    var stdioSplitters: [String: LineSplitter] = [:]
    var handshake: HandshakeLine?
    var proxy: TapProxy?
    var proxyDirectory: PrivateDirectory?
    var connection: PluginConnection?
    var tasks: [Task<Void, Never>] = []
    var decision: CheckedContinuation<Bool, Never>?
    var decided: Bool?
    var stopping = false
    var probeTask: Task<Void, Never>?

    init(generation: Int, process: PluginProcess, watcher: HandshakeWatcher) {
      self.generation = generation
      self.process = process
      self.watcher = watcher
    }
  }

  var identity: AutoMTLSIdentity?

  /// Creates a session; nothing runs until `start()`.
  public init(target: PluginTarget, options: SessionOptions = .init()) {
    self.target = target
    self.options = options
  }

  // MARK: - Lifecycle

  /// Builds (when asked), starts the plugin and waits for the handshake; true when it is ready.
  @discardableResult
  public func start() async -> Bool {
    guard !finished, run == nil else { return run?.decided ?? false }
    if let build = target.build, generation == 0 ? options.runBuild : rebuildOnStart {
      guard await runBuild(build) else { return false }
    }
    // `finish()` may have been called while the build ran: start nothing then.
    guard !finished, run == nil else { return false }
    generation += 1
    let environment = hostEnvironment()
    let (executable, arguments) = target.command.launchArguments(in: target.folder)
    var launch = PluginProcess.Launch(
      executable: executable, arguments: arguments, environment: target.environment.merging(options.extraEnvironment) { _, b in b },
      removedEnvironment: options.removedEnvironment, workingDirectory: target.workingDirectory.path,
      maxLineLength: options.maxLineLength)
    launch.environment.merge(environment.variables) { _, hostValue in hostValue }
    if !options.sendCookie { launch.removedEnvironment.append(target.handshake.magicCookieKey) }
    if let unbuffered = options.pythonUnbufferedToRemove(given: launch.environment),
      !launch.removedEnvironment.contains(unbuffered)
    {
      launch.removedEnvironment.append(unbuffered)
      if generation == 1, ProcessInfo.processInfo.environment[unbuffered] != nil {
        emit(.notice(
          "PYTHONUNBUFFERED is set here but not passed on: a host on another machine rarely has it, and without it "
            + "a Python plugin that does not flush its handshake hangs (--env PYTHONUNBUFFERED=1 passes it)"))
      }
    }

    let process: PluginProcess
    do {
      process = try await PluginProcess.start(launch)
    } catch {
      emit(.handshakeFailed(.exitedBeforeHandshake(status: .exited(127), stderrTail: [error.description])))
      return false
    }
    if finished {
      await process.kill()
      return false
    }
    let watcher = HandshakeWatcher(
      expectations: environment.expectations(), startedAt: process.startedAt, timeout: options.handshakeTimeout)
    let current = Run(generation: generation, process: process, watcher: watcher)
    run = current
    emit(.started(.init(
      pid: process.pid, command: target.command.description, environment: environment.variables,
      removedEnvironment: launch.removedEnvironment, workingDirectory: target.workingDirectory.path,
      startedAt: Date(), generation: generation, inheritedCount: Self.inheritedCount(launch, shown: environment.variables))))

    let generation = self.generation
    current.tasks.append(Task { [weak self] in
      for await event in process.events { await self?.handle(event, generation: generation) }
    })
    current.tasks.append(Task { [weak self] in
      while !Task.isCancelled {
        try? await Task.sleep(for: .milliseconds(50))
        guard let self, await self.tick(generation: generation) else { return }
      }
    })
    return await withCheckedContinuation { continuation in
      if let decided = current.decided {
        continuation.resume(returning: decided)
      } else {
        current.decision = continuation
      }
    }
  }

  /// Stops the plugin the way a go-plugin host's `Kill()` does: `Shutdown`, up to 2 s, then SIGKILL.
  public func stop() async {
    if let building {
      emit(.notice("stopping the build step"))
      await building.kill()
    }
    guard let current = run else { return }
    current.stopping = true
    _ = current.watcher.receive(.stopRequested)
    if current.process.exitStatus == nil {
      if let connection = current.connection, connection.traffic.bytesFromPlugin == 0 {
        emit(.notice("stopping: the plugin never sent a byte of HTTP/2, so Shutdown cannot reach it; sending SIGKILL"))
        await kill(current)
      } else if let connection = current.connection {
        emit(.notice("stopping: plugin.GRPCController/Shutdown, then up to 2 s"))
        let shutdown = Task { try? await connection.shutdownPlugin(timeout: .seconds(2)) }
        let status = await current.process.waitForExit(timeout: .seconds(2))
        shutdown.cancel()
        if status == nil {
          emit(.notice("the plugin did not exit within 2 s of Shutdown (a go-plugin host logs 'plugin failed to exit gracefully'); sending SIGKILL"))
          await kill(current)
        }
      } else {
        await kill(current)
      }
    }
    await teardown(current)
    // A start still waiting for the handshake returns now.
    decide(current, false)
  }

  /// Stops the plugin and starts it again, running the build step first (as `run` did at the
  /// start) unless `rebuild` is false or the build step is turned off: a restart must not start a
  /// stale binary.
  public func restart(rebuild: Bool = true) async -> Bool {
    rebuildOnStart = rebuild && options.runBuild && target.build != nil
    emit(.notice(rebuildOnStart ? "restarting: stop, build step, start" : "restarting: stop, start (no build step)"))
    await stop()
    return await start()
  }

  /// Whether the next start (a restart) runs the build step.
  public private(set) var rebuildOnStart = false

  /// Stops everything and ends the event stream.
  public func finish() async {
    guard !finished else { return }
    finished = true
    await stop()
    emit(.finished)
    events.finish()
  }

  /// The pid of the running plugin, if any.
  public var pid: Int32? { run?.process.exitStatus == nil ? run?.process.pid : nil }

  /// The accepted handshake of the current run.
  public var handshake: HandshakeLine? { run?.handshake }

  // MARK: - Internals

  /// Variables the plugin inherits from plugin-dev's environment besides the ones shown.
  static func inheritedCount(_ launch: PluginProcess.Launch, shown: [String: String]) -> Int {
    let inherited = Set(ProcessInfo.processInfo.environment.keys)
      .subtracting(launch.removedEnvironment).subtracting(shown.keys)
    return inherited.count
  }

  func emit(_ event: SessionEvent) {
    events.yield(event)
  }

  private func hostEnvironment() -> PluginEnvironment {
    PluginEnvironment.host(
      config: target.handshake, includeCookie: options.sendCookie, cookieValue: options.cookieValue,
      protocolVersions: options.protocolVersions, portRange: options.portRange,
      clientCertificatePEM: autoMTLSIdentity?.certificatePEM, multiplex: options.requestMultiplexing)
  }

  /// The session's AutoMTLS certificate (made once, on first use), or nil without `autoMTLS`.
  private var autoMTLSIdentity: AutoMTLSIdentity? {
    guard options.autoMTLS else { return nil }
    if let identity { return identity }
    do {
      identity = try AutoMTLSIdentity.generate()
    } catch {
      emit(.notice("could not make the AutoMTLS certificate (\(error)); starting without PLUGIN_CLIENT_CERT"))
    }
    return identity
  }

  private func runBuild(_ build: PluginManifest.Command) async -> Bool {
    let status = await BuildStep.run(build, for: target, spawned: { building = $0 }) { event in
      switch event {
      case .started(let command): emit(.buildStarted(command: command))
      case .output(let line, let stream): emit(.buildOutput(line, stream: stream))
      case .finished(let status, let seconds): emit(.buildFinished(status: status, seconds: seconds))
      case .hint(let text): emit(.notice("build: " + text))
      }
    }
    building = nil
    return status.isSuccess
  }

  private func handle(_ event: PluginProcess.Event, generation: Int) async {
    guard let current = run, current.generation == generation else { return }
    switch event {
    case .line(.stderr, let line, _):
      _ = current.watcher.receive(.stderr(line.text))
      emit(.log(current.logParser.parse(line.text, isPartOfLongLine: line.continues || line.isContinuation)))
    case .line(.stdout, let line, let at):
      await apply(current.watcher.receive(.stdout(line.text, at: at)), to: current)
    case .closed(.stdout, let at):
      await apply(current.watcher.receive(.stdoutClosed(at: at)), to: current)
    case .closed:
      break
    case .exited(let status, let at):
      await apply(current.watcher.receive(.exited(status, at: at)), to: current)
      emit(.exited(status, expected: current.stopping))
      if !current.stopping {
        await teardown(current)
      }
      decide(current, false)
    }
  }

  private func tick(generation: Int) async -> Bool {
    guard let current = run, current.generation == generation else { return false }
    if let deadline = current.watcher.nextDeadline, ContinuousClock.now >= deadline {
      await apply(current.watcher.receive(.tick(at: .now)), to: current)
    }
    return !current.watcher.isDecided || current.process.exitStatus == nil
  }

  private func apply(_ outputs: [HandshakeWatcher.Output], to current: Run) async {
    for output in outputs {
      switch output {
      case .accepted(let line, let raw, let warnings):
        current.handshake = line
        emit(.handshake(line, raw: raw, warnings: warnings, seconds: (ContinuousClock.now - current.process.startedAt).seconds))
        if let problem = await ReachabilityProbe.problem(with: line) {
          emit(.handshakeFailed(problem))
          await fail(current)
          return
        }
        await connect(current, to: line)
        decide(current, true)
      case .failed(let diagnosis) where current.handshake != nil:
        // The verdict was given; a plugin that dies right after its line gets a note, not a second verdict.
        emit(.notice("the plugin exited right after its handshake: \(diagnosis.hint)"))
      case .failed(let diagnosis):
        emit(.handshakeFailed(diagnosis))
        await fail(current)
      case .probeUnflushed:
        emit(.notice("no handshake within \(options.handshakeTimeout); sending SIGINT, then SIGTERM, to see whether output was stuck in a buffer"))
        let process = current.process
        current.probeTask = Task {
          process.signalGroup(SIGINT)
          try? await Task.sleep(for: .milliseconds(600))
          process.signalGroup(SIGTERM)
        }
      case .strayStdout(let text):
        emit(.strayStdout(text))
      }
    }
  }

  /// SIGKILLs the plugin's process group and removes what the plugin could not (its socket).
  private func kill(_ current: Run) async {
    await current.process.kill()
    LeftoverSocket.remove(announcedBy: current.handshake)
  }

  private func fail(_ current: Run) async {
    current.stopping = true
    if current.process.exitStatus == nil { await kill(current) }
    await teardown(current)
    decide(current, false)
  }

  func decide(_ current: Run, _ ok: Bool) {
    guard current.decided == nil else { return }
    current.decided = ok
    current.decision?.resume(returning: ok)
    current.decision = nil
  }

  func teardown(_ current: Run) async {
    let connection = current.connection
    current.connection = nil
    let proxy = current.proxy
    current.proxy = nil
    for task in current.tasks { task.cancel() }
    current.probeTask?.cancel()
    await connection?.close()
    await proxy?.close()
    current.proxyDirectory?.remove()
    current.proxyDirectory = nil
    if run === current { run = nil }
  }

}
