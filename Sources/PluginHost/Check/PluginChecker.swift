import Foundation
import GRPCCore
import PluginProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs every check of reference §14 that applies to a plugin: `plugin-dev check`.
///
/// Four starts of the plugin, one after the other:
/// 1. the main run, with the normal host environment (a narrow random port range): handshake,
///    address, services, KV round trip, stderr, then a stop like go-plugin's `Kill()`
///    (Shutdown, 2 s, SIGKILL) with its timing and leftover processes;
/// 2. a run without the magic cookie (`cookie.refused`);
/// 3. a run offered only versions the plugin does not support (`negotiation.unsupported-version`);
/// 4. a run with `PLUGIN_CLIENT_CERT`, like an AutoMTLS host, then mutual TLS (`tls.auto-mtls`).
/// The verdicts come from the pure `*Checks` types; this type only drives the processes.
public struct PluginChecker: Sendable {
  /// The plugin.
  public let target: PluginTarget
  /// How to start it.
  public let options: CheckOptions

  /// Creates a checker.
  public init(target: PluginTarget, options: CheckOptions = .init()) {
    self.target = target
    self.options = options
  }

  /// What the main run found, for the later runs.
  private struct MainRun {
    var results: [CheckResult]
    var latency: Duration?
    var line: HandshakeLine?
    var unusableReason: String
  }

  typealias LeftProcess = ShutdownChecks.Observation.LeftProcess

  /// Builds (unless turned off), runs every check, and reports each result through `progress` as it is known.
  public func run(progress: @escaping @Sendable (CheckProgress) -> Void = { _ in }) async -> CheckReport {
    let clock = ContinuousClock()
    let started = clock.now
    func report(_ results: [CheckResult], failure: String? = nil) -> CheckReport {
      CheckReport(target: target.name, results: results, startFailure: failure, seconds: (clock.now - started).seconds)
    }

    if options.session.runBuild, let build = target.build {
      let status = await runBuild(build, progress: progress)
      guard status.isSuccess else {
        return report([], failure: "the build step `\(build.description)` failed (\(status)); its output is above. Fix the build, or use --no-build.")
      }
    }

    let storeDirectory: PrivateDirectory
    do {
      storeDirectory = try PrivateDirectory.make(prefix: "plugin-dev-check-")
    } catch {
      return report([], failure: error.description)
    }
    defer { storeDirectory.remove() }
    let store = URL(fileURLWithPath: storeDirectory.path, isDirectory: true)
    let range = options.narrowPortRange ? Self.randomPortWindow() : options.session.portRange

    let main: MainRun
    do {
      main = try await mainRun(range: range, store: store, progress: progress)
    } catch {
      return report([], failure: error.description)
    }
    for result in main.results { progress(.result(result)) }

    var later: [CheckResult] = []
    if let line = main.line {
      let wait = options.probeWait ?? Self.probeWait(after: main.latency, timeout: options.session.handshakeTimeout)
      later.append(await cookieCheck(range: range, store: store, wait: wait))
      progress(.result(later[0]))
      later.append(await negotiationCheck(answered: line.appVersion, range: range, store: store, wait: wait))
      progress(.result(later[1]))
      later.append(await autoMTLSCheck(range: range, store: store, wait: wait))
      progress(.result(later[2]))
    } else {
      let why = "the main run got no usable handshake (\(main.unusableReason))"
      later = [.skip(.cookieRefused, why), .skip(.negotiationUnsupportedVersion, why), .skip(.autoMTLS, why)]
      for result in later { progress(.result(result)) }
    }
    return report(main.results + later)
  }

  // MARK: - Main run

  private func mainRun(
    range: ClosedRange<Int>, store: URL, progress: @Sendable (CheckProgress) -> Void
  ) async throws(PluginProcessError) -> MainRun {
    let session = options.session
    let environment = PluginEnvironment.host(
      config: target.handshake, includeCookie: true, cookieValue: session.cookieValue,
      protocolVersions: session.protocolVersions, portRange: range, multiplex: session.requestMultiplexing)
    let expectations = environment.expectations()
    let before = Set(ProcessTable.ownChildren().map(\.pid))
    let observed = try await ObservedPlugin.start(
      launch(environment, store: store), expectations: expectations, timeout: session.handshakeTimeout)
    let process = observed.process
    let excluded = before.union([process.pid])
    progress(.waitingForHandshake(pid: process.pid, timeout: session.handshakeTimeout))

    let decision = await observed.waitForDecision()
    let (handshake, lineIndex) = Self.handshakeDecision(decision, timeout: session.handshakeTimeout)
    let stdout = await observed.stdout
    let latency = lineIndex.flatMap { $0 < stdout.count ? stdout[$0].at - process.startedAt : nil }
    var observation = HandshakeChecks.Observation(
      decision: handshake, latency: latency, expectations: expectations, timeout: session.handshakeTimeout)
    let first = HandshakeChecks.evaluate(observation)

    let running: [CheckResult]
    if let line = first.usableLine {
      running = await exercise(line, observed: observed, range: range, excluded: excluded)
    } else {
      running = [
        .handshakeReachable, .portRange, .healthServing, .stdioStream, .reflection, .kvRoundTrip, .controllerShutdown,
        .shutdownExit, .shutdownNoChildren,
      ].map { CheckResult.skip($0, first.unusableReason) }
      await observed.markStopping()
      if process.exitStatus == nil { await process.kill() }
      _ = await collectOrphans(excluding: excluded)
    }

    await observed.waitForEvents()
    observation.lateFailure = await observed.lateFailure
    let verdict = HandshakeChecks.evaluate(observation)
    let stderr = await observed.stderrTally
    let allStdout = await observed.stdout.map(\.line)
    await observed.finish()

    var results = verdict.results + running + stderr.results()
    if let lineIndex {
      results.append(StderrChecks.afterHandshake(Array(allStdout.dropFirst(lineIndex + 1))))
    } else {
      results.append(.skip(.stdoutAfterHandshake, "no handshake line"))
    }
    let reachable = running.first { $0.id == .handshakeReachable }?.status
    let reason = verdict.usableLine == nil ? verdict.unusableReason
      : reachable == .skip ? "the plugin exited during the main run" : "nothing answered at its address"
    return MainRun(results: results, latency: latency, line: reachable == .pass ? verdict.usableLine : nil, unusableReason: reason)
  }

  /// The watcher's decision as a handshake observation, and the index of the stdout line holding the handshake.
  static func handshakeDecision(_ output: HandshakeWatcher.Output?, timeout: Duration)
    -> (HandshakeChecks.Observation.Decision, Int?)
  {
    switch output {
    case .accepted(let line, let raw, let warnings)?:
      return (.accepted(line, raw: raw, warnings: warnings), 0)
    case .failed(let diagnosis)?:
      switch diagnosis {
      case .textBeforeHandshake(_, let later?): return (.failed(diagnosis), later.number - 1)
      case .invalid: return (.failed(diagnosis), 0)
      default: return (.failed(diagnosis), nil)
      }
    default:
      return (.failed(.timeout(seconds: timeout.seconds)), nil)
    }
  }

  /// Talks to the running plugin, then stops it; results from handshake.reachable to shutdown.no-children.
  private func exercise(
    _ line: HandshakeLine, observed: ObservedPlugin, range: ClosedRange<Int>, excluded: Set<Int32>
  ) async -> [CheckResult] {
    let process = observed.process
    let exitedEarly = process.exitStatus
    let problem = exitedEarly == nil ? await ReachabilityProbe.problem(with: line) : nil
    var results: [CheckResult] = [
      exitedEarly.map { .skip(.handshakeReachable, "the plugin had exited (\($0)) before plugin-dev could connect; see shutdown.exit") }
        ?? ServiceChecks.reachable(line, problem: problem)
    ]
    guard exitedEarly == nil, problem == nil, let connection = try? PluginConnection(line: line) else {
      results.append(.skip(.portRange, "nothing listens at \(line.address)"))
      for id in [CheckID.healthServing, .stdioStream, .reflection, .kvRoundTrip] {
        results.append(.skip(id, "the address is unreachable"))
      }
      await observed.markStopping()
      if process.exitStatus == nil { await process.kill() }
      let left = await collectOrphans(excluding: excluded)
      if let exitedEarly {
        results += ShutdownChecks.evaluate(.init(
          controller: .exitedBefore(exitedEarly), exitedAfter: nil, exitStatus: exitedEarly, leftBehind: left,
          orphansTracked: options.orphansTracked))
      } else {
        results += [CheckID.controllerShutdown, .shutdownExit, .shutdownNoChildren].map {
          CheckResult.skip($0, "no connection to the plugin")
        }
      }
      return results
    }
    results.append(ServiceChecks.portRange(line, range: range))
    let streams = GoHostStreams(connection)

    let clock = ContinuousClock()
    let healthStart = clock.now
    let health: HealthSample.Outcome
    do {
      health = .status(try await connection.health.check(timeout: .seconds(5)).protoName)
    } catch let error as RPCError {
      let error = connection.explain(error, after: .seconds(5))
      health = .failed(code: Status.Code(error.code), message: error.message)
    } catch {
      health = .failed(code: .unknown, message: "\(error)")
    }
    let healthResult = ServiceChecks.health(health, milliseconds: HandshakeChecks.milliseconds(clock.now - healthStart))
    let kv = await KVRoundTrip.run(connection)
    let reflection = await ReflectionProbe.run(connection.client)
    // A stream cannot be open on a connection where the plugin never sent a byte.
    let stdio: ServiceChecks.StdioOutcome =
      connection.traffic.bytesFromPlugin == 0
      ? .failed(code: .unavailable, message: "the plugin sent no HTTP/2 at all") : await streams.stdioOutcome()
    results += [
      healthResult, ServiceChecks.stdio(stdio), ServiceChecks.reflection(reflection), KVRoundTrip.evaluate(kv),
    ]

    let shutdown = await stop(observed, connection: connection, excluded: excluded)
    streams.cancel()
    await Self.close(connection)
    results += ShutdownChecks.evaluate(shutdown)
    return results
  }

  // MARK: - The extra runs

  private func cookieCheck(range: ClosedRange<Int>, store: URL, wait: Duration) async -> CheckResult {
    let key = target.handshake.magicCookieKey
    let environment = PluginEnvironment.host(
      config: target.handshake, includeCookie: false, protocolVersions: options.session.protocolVersions, portRange: range,
      multiplex: options.session.requestMultiplexing)
    guard let run = await probe(launch(environment, store: store, without: key), wait: wait) else {
      return .skip(.cookieRefused, "the plugin could not be started a second time")
    }
    return CookieCheck.evaluate(run, cookieKey: key)
  }

  private func negotiationCheck(answered: Int, range: ClosedRange<Int>, store: URL, wait: Duration) async -> CheckResult {
    let supported = target.handshake.protocolVersions
    let offeredBefore = options.session.protocolVersions ?? supported
    let offered = NegotiationCheck.unsupportedVersions(supported: supported + offeredBefore + [answered])
    let environment = PluginEnvironment.host(
      config: target.handshake, includeCookie: true, cookieValue: options.session.cookieValue, protocolVersions: offered,
      portRange: range, multiplex: options.session.requestMultiplexing)
    guard let run = await probe(launch(environment, store: store), wait: wait) else {
      return .skip(.negotiationUnsupportedVersion, "the plugin could not be started a second time")
    }
    return NegotiationCheck.evaluate(run, offered: offered, supported: supported)
  }

  /// Starts the plugin, waits for a handshake or the exit, lets `exercise` talk to it, then stops
  /// it and anything it left: Shutdown over the connection `exercise` returns (by default a
  /// plaintext one to the announced address), else SIGTERM.
  func probe(
    _ launch: PluginProcess.Launch, wait: Duration,
    exercise: (ProbeRun) async -> PluginConnection? = PluginChecker.plaintextConnection
  ) async -> ProbeRun? {
    let before = Set(ProcessTable.ownChildren().map(\.pid))
    guard let observed = try? await ObservedPlugin.start(launch) else { return nil }
    let run = await observed.probeOutcome(within: wait)
    let process = observed.process
    let connection = await exercise(run)
    if process.exitStatus == nil {
      if let connection {
        let call = Task { try? await connection.shutdownPlugin() }
        if await process.waitForExit(timeout: .seconds(2)) == nil { await process.kill() }
        call.cancel()
      } else {
        process.signalGroup(SIGTERM)
        if await process.waitForExit(timeout: .seconds(1)) == nil { await process.kill() }
      }
    }
    if let connection { await Self.close(connection) }
    await observed.finish()
    _ = await collectOrphans(excluding: before.union([process.pid]))
    return run
  }

  /// A plaintext connection to the address a probe run announced, if its line is usable.
  static func plaintextConnection(for run: ProbeRun) async -> PluginConnection? {
    guard case .handshake(let raw, _) = run.outcome,
      let line = HandshakeChecks.lineChecks(raw, HandshakeExpectations(offeredVersions: [])).usable
    else { return nil }
    return try? PluginConnection(line: line)
  }

  // MARK: - Helpers

  /// The launch of the plugin with `environment` (the go-plugin variables), without the variable `without`.
  func launch(_ environment: PluginEnvironment, store: URL, without: String? = nil) -> PluginProcess.Launch {
    let (executable, arguments) = target.command.launchArguments(in: target.folder)
    let extra = options.session.extraEnvironment
    var variables = target.environment
    if variables["KV_STORE_DIR"] == nil, extra["KV_STORE_DIR"] == nil { variables["KV_STORE_DIR"] = store.path }
    variables.merge(extra) { _, new in new }
    variables.merge(environment.variables) { _, new in new }
    var removed = options.session.removedEnvironment
    if let unbuffered = options.session.pythonUnbufferedToRemove(given: variables) { removed.append(unbuffered) }
    if let without {
      variables[without] = nil
      removed.append(without)
    }
    return PluginProcess.Launch(
      executable: executable, arguments: arguments, environment: variables, removedEnvironment: removed,
      workingDirectory: target.workingDirectory.path, maxLineLength: StderrChecks.goLineLimit)
  }

  private func runBuild(_ build: PluginManifest.Command, progress: @Sendable (CheckProgress) -> Void) async
    -> PluginProcess.ExitStatus
  {
    await BuildStep.run(build, for: target) { event in
      switch event {
      case .started(let command): progress(.buildStarted(command: command))
      case .output(let line, let stream): progress(.buildOutput(line, stream: stream))
      case .finished(let status, let seconds): progress(.buildFinished(status: status, seconds: seconds))
      case .hint(let text): progress(.buildOutput("hint: " + text, stream: .stderr))
      }
    }
  }

  /// Closes a connection, giving up after 2 s (open streams are cancelled first by the caller).
  static func close(_ connection: PluginConnection) async {
    await withTaskGroup(of: Void.self) { group in
      group.addTask { await connection.close() }
      group.addTask { try? await Task.sleep(for: .seconds(2)) }
      await group.next()
      group.cancelAll()
    }
  }

  /// A random 100-port window inside 20000–28999 (below Linux's ephemeral ports).
  static func randomPortWindow() -> ClosedRange<Int> {
    let base = 20000 + Int.random(in: 0..<90) * 100
    return base...(base + 99)
  }

  /// How long the extra runs may take: three times the main run's start plus 2 s, within 3 s…timeout.
  static func probeWait(after latency: Duration?, timeout: Duration) -> Duration {
    let derived = (latency ?? .seconds(1)) * 3 + .seconds(2)
    return min(max(derived, .seconds(3)), max(timeout, .seconds(3)))
  }
}
