import AutoMTLS
import Foundation
import GRPCCore
import PluginProtocol
import SwiftProtobuf
import WireTap

#if canImport(Glibc)
import Glibc
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

  private var generation = 0
  private var run: Run?
  private var finished = false
  private var building: PluginProcess?

  /// The state of one start of the plugin.
  private final class Run {
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

  private var identity: AutoMTLSIdentity?

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
    let unbuffered = "PYTHONUNBUFFERED"
    if options.unsetPythonUnbuffered, launch.environment[unbuffered] == nil, !launch.removedEnvironment.contains(unbuffered) {
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
        await current.process.kill()
        LeftoverSocket.remove(announcedBy: current.handshake)
      } else if let connection = current.connection {
        emit(.notice("stopping: plugin.GRPCController/Shutdown, then up to 2 s"))
        let shutdown = Task { try? await connection.shutdownPlugin(timeout: .seconds(2)) }
        let status = await current.process.waitForExit(timeout: .seconds(2))
        shutdown.cancel()
        if status == nil {
          emit(.notice("the plugin did not exit within 2 s of Shutdown (a go-plugin host logs 'plugin failed to exit gracefully'); sending SIGKILL"))
          await current.process.kill()
          LeftoverSocket.remove(announcedBy: current.handshake)
        }
      } else {
        await current.process.kill()
        LeftoverSocket.remove(announcedBy: current.handshake)
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

  // MARK: - Calls

  /// Runs a console command that talks to the plugin (`get`, `put`, `health`); other commands
  /// (restart, clear, export, help) are the caller's.
  public func call(_ command: ConsoleCommand, text: String) async -> CallRecord {
    let started = Date()
    guard let connection = run?.connection else {
      let record = CallRecord(
        command: text, method: "", code: "unavailable", result: "the plugin is not running (no accepted handshake)",
        started: started, ended: Date())
      emit(.call(record))
      return record
    }
    var record: CallRecord
    switch command {
    case .get(let key):
      do {
        let value = try await connection.kv.get(key, timeout: Self.callTimeout)
        record = CallRecord(
          command: text, method: "/proto.KV/Get", code: "ok", result: Self.render(value), value: value, started: started,
          ended: Date())
      } catch {
        record = Self.failure(error, command: text, method: "/proto.KV/Get", started: started, on: connection)
      }
    case .put(let key, let value):
      do {
        try await connection.kv.put(key, value, timeout: Self.callTimeout)
        record = CallRecord(command: text, method: "/proto.KV/Put", code: "ok", result: "stored \(value.count) bytes", started: started, ended: Date())
      } catch {
        record = Self.failure(error, command: text, method: "/proto.KV/Put", started: started, on: connection)
      }
    case .health:
      let sample = await checkHealth(connection)
      emit(.health(sample))
      record = CallRecord(
        command: text, method: "/grpc.health.v1.Health/Check",
        code: { if case .failed(let code, _) = sample.outcome { return code } else { return "ok" } }(),
        result: { if case .failed(_, let message) = sample.outcome { return message } else { return sample.label } }(),
        started: started, ended: Date())
    default:
      record = CallRecord(command: text, method: "", code: "invalidArgument", result: "not a plugin call", started: started, ended: Date())
    }
    emit(.call(record))
    return record
  }

  /// How long a console call may take before it fails with `deadlineExceeded`.
  public static let callTimeout: Duration = .seconds(15)
  /// What a call cut short by stopping says.
  static let cancelledText = "stopped before the plugin answered"
  /// How long a health check may take.
  public static let healthTimeout: Duration = .seconds(5)

  private static func failure(
    _ error: any Error, command: String, method: String, started: Date, on connection: PluginConnection
  ) -> CallRecord {
    if let rpc = (error as? RPCError).map({ connection.explain($0, after: callTimeout) }) {
      return CallRecord(command: command, method: method, code: "\(rpc.code)", result: rpc.message, started: started, ended: Date())
    }
    if error is CancellationError {
      return CallRecord(command: command, method: method, code: "cancelled", result: Self.cancelledText, started: started, ended: Date())
    }
    return CallRecord(command: command, method: method, code: "unknown", result: "\(error)", started: started, ended: Date())
  }

  /// A value as text: UTF-8 when printable, else hex.
  public static func render(_ value: Data) -> String {
    if let text = String(data: value, encoding: .utf8), !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }) {
      return text
    }
    return "0x" + value.prefix(256).map { String(format: "%02x", $0) }.joined() + (value.count > 256 ? "… (\(value.count) bytes)" : "")
  }

  // MARK: - Internals

  /// Variables the plugin inherits from plugin-dev's environment besides the ones shown.
  static func inheritedCount(_ launch: PluginProcess.Launch, shown: [String: String]) -> Int {
    let inherited = Set(ProcessInfo.processInfo.environment.keys)
      .subtracting(launch.removedEnvironment).subtracting(shown.keys)
    return inherited.count
  }

  private func emit(_ event: SessionEvent) {
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

  private func fail(_ current: Run) async {
    current.stopping = true
    if current.process.exitStatus == nil { await current.process.kill() }
    await teardown(current)
    decide(current, false)
  }

  private func decide(_ current: Run, _ ok: Bool) {
    guard current.decided == nil else { return }
    current.decided = ok
    current.decision?.resume(returning: ok)
    current.decision = nil
  }

  private func teardown(_ current: Run) async {
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

  /// Connects the way a Go host would, but through the decoding relay.
  private func connect(_ current: Run, to line: HandshakeLine) async {
    var network = line.network
    var address = line.address
    var tls: TapProxy.TLS?
    if let identity, line.carriesCertificate {
      do {
        let der = line.serverCertificateDER ?? []
        tls = TapProxy.TLS(
          context: try AutoMTLSContext.client(identity: identity, trustingServerCertificateDER: der),
          serverHostname: AutoMTLSContext.serverHostname)
      } catch {
        emit(.handshakeFailed(.unreachable(address: line.address, reason: "the plugin's AutoMTLS certificate is unusable: \(error)")))
        return
      }
    }
    if options.tap || tls != nil {
      do {
        let (proxy, local, dir) = try await startProxy(for: line, tls: tls, decode: options.tap)
        current.proxy = proxy
        current.proxyDirectory = dir
        network = .unix
        address = local
        if options.tap { emit(.tapReady(local: local, plugin: line.address)) }
      } catch where tls != nil {
        emit(.handshakeFailed(.unreachable(address: line.address, reason: "the AutoMTLS relay could not start: \(error)")))
        return
      } catch {
        emit(.notice("the decoding relay could not start (\(error)); connecting directly, without a frame log"))
      }
    }
    do {
      let connection = try PluginConnection(network: network, address: address)
      current.connection = connection
      if options.actLikeGoHost { openGoHostStreams(connection, current) }
      if let interval = options.healthInterval {
        let generation = current.generation
        current.tasks.append(Task { [weak self] in
          while !Task.isCancelled {
            guard let self, let sample = await self.healthTick(generation: generation) else { return }
            _ = sample
            try? await Task.sleep(for: interval)
          }
        })
      }
    } catch {
      emit(.handshakeFailed(.unreachable(address: line.address, reason: "\(error)")))
    }
  }

  private func healthTick(generation: Int) async -> HealthSample? {
    guard let current = run, current.generation == generation, let connection = current.connection else { return nil }
    let sample = await checkHealth(connection)
    guard run === current, !current.stopping else { return nil }
    emit(.health(sample))
    return sample
  }

  private func checkHealth(_ connection: PluginConnection) async -> HealthSample {
    let started = Date()
    let clock = ContinuousClock()
    let t0 = clock.now
    do {
      let status = try await connection.health.check(timeout: Self.healthTimeout)
      return HealthSample(time: started, outcome: .status(status.protoName), latency: (clock.now - t0).seconds)
    } catch let error as RPCError {
      let error = connection.explain(error, after: Self.healthTimeout)
      return HealthSample(time: started, outcome: .failed(code: "\(error.code)", message: error.message), latency: (clock.now - t0).seconds)
    } catch is CancellationError {
      return HealthSample(time: started, outcome: .failed(code: "cancelled", message: Self.cancelledText), latency: (clock.now - t0).seconds)
    } catch {
      return HealthSample(time: started, outcome: .failed(code: "unknown", message: "\(error)"), latency: (clock.now - t0).seconds)
    }
  }

  /// Opens `plugin.GRPCBroker/StartStream` and `plugin.GRPCStdio/StreamStdio` like a Go host (reference §5.7).
  private func openGoHostStreams(_ connection: PluginConnection, _ current: Run) {
    let client = connection.client
    let generation = current.generation
    current.tasks.append(Task { [weak self] in
      let broker = Plugin_GRPCBroker.Client(wrapping: client)
      do {
        try await broker.startStream(requestProducer: { _ in
          try await Task.sleep(for: .seconds(86_400 * 365))
        }) { response in
          for try await _ in response.messages {}
        }
      } catch let error as RPCError where error.code == .unimplemented {
        await self?.note(generation, "the plugin has no plugin.GRPCBroker (UNIMPLEMENTED); a Go host ignores this unless the plugin is bidirectional")
      } catch {}
    })
    current.tasks.append(Task { [weak self] in
      let stdio = Plugin_GRPCStdio.Client(wrapping: client)
      do {
        try await stdio.streamStdio(Google_Protobuf_Empty()) { [weak self] response in
          for try await message in response.messages {
            await self?.stdioData(generation, message)
          }
        }
      } catch let error as RPCError where error.code == .unimplemented {
        await self?.note(generation, "the plugin has no plugin.GRPCStdio (UNIMPLEMENTED); a Go host logs 'stdio service not available' or 'received EOF, stopping recv loop'")
      } catch let error as RPCError where !Task.isCancelled {
        await self?.stdioFailed(generation, error)
      } catch {}
    })
  }

  /// The stdio stream ended with an error while the plugin runs (a stop cancels it quietly).
  private func stdioFailed(_ generation: Int, _ error: RPCError) {
    guard let current = run, current.generation == generation, !current.stopping else { return }
    let limit = PluginConnection.maxStdioMessageBytes >> 20
    let tooBig = error.code == .resourceExhausted || error.message.contains("maximum payload size")
    emit(.notice(tooBig
      ? "plugin.GRPCStdio sent a message over \(limit) MiB; plugin-dev stopped reading the plugin's stdio (\(error.code): \(error.message))"
      : "plugin.GRPCStdio/StreamStdio ended: \(error.code): \(error.message)"))
  }

  private func note(_ generation: Int, _ text: String) {
    guard run?.generation == generation else { return }
    emit(.notice(text))
  }

  private func stdioData(_ generation: Int, _ data: Plugin_StdioData) {
    guard let current = run, current.generation == generation else { return }
    let channel = data.channel == .stdout ? "stdout" : data.channel == .stderr ? "stderr" : "invalid"
    // Split like stderr: a line longer than the limit comes in pieces (a 200 MiB message is not one line).
    var splitter = current.stdioSplitters[channel] ?? LineSplitter(maxLineLength: options.maxLineLength)
    for line in splitter.feed(data.data) where !line.text.isEmpty {
      var entry = current.logParser.parse(line.text, isPartOfLongLine: line.continues || line.isContinuation)
      entry.module = "stdio." + channel
      emit(.log(entry))
    }
    current.stdioSplitters[channel] = splitter
  }

  private func startProxy(for line: HandshakeLine, tls: TapProxy.TLS?, decode: Bool) async throws
    -> (TapProxy, String, PrivateDirectory)
  {
    let target = TapProxy.Address(network: line.network, address: line.address)
    // Whatever the plugin's network, the relay listens where only this user can connect: a unix
    // socket in a private folder. On a tcp port any local process could call the plugin through
    // it, with plugin-dev's client certificate under AutoMTLS (issue #16 item 1c).
    let directory = try PrivateDirectory.make(prefix: "plugin-dev-tap-")
    let listen: TapProxy.Address = .unix(path: directory.appending("tap.sock"))
    let (inputs, sink) = AsyncStream<RelayDecoder.Input>.makeStream(bufferingPolicy: .unbounded)
    let proxy: TapProxy
    do {
      proxy = try await TapProxy.start(
        listen: listen, target: target, targetTLS: tls,
        onBytes: { connection, direction, chunk in
          if decode { sink.yield(.bytes(connection: connection, direction: direction, bytes: chunk, time: Date())) }
        },
        onEvent: { [weak self] event in
          if case .closed(let id) = event { sink.yield(.closed(connection: id)) }
          guard let self else { return }
          Task { await self.proxyEvent(event) }
        })
    } catch {
      directory.remove()
      throw error
    }
    run?.tasks.append(Task { [weak self] in
      var decoder = RelayDecoder(registry: MessageRegistry.goPlugin)
      for await input in inputs {
        let records = decoder.feed(input)
        guard let self else { return }
        for record in records { await self.emitFrame(record) }
      }
    })
    return (proxy, directory.appending("tap.sock"), directory)
  }

  private func emitFrame(_ record: FrameRecord) {
    emit(.frame(record))
  }

  private func proxyEvent(_ event: TapProxy.ConnectionEvent) {
    // While stopping, the client's reconnect attempts to a plugin that is going away are expected.
    guard let current = run, !current.stopping, current.process.exitStatus == nil else { return }
    switch event {
    case .failed(let id, let reason):
      emit(.notice("relay connection \(id) to the plugin failed: \(reason)"))
    case .error(let id, .pluginToHost, let reason) where options.autoMTLS:
      emit(.notice("relay connection \(id): TLS with the plugin failed: \(AutoMTLSCheck.compactTLSError(reason))"))
    default:
      break
    }
  }
}
