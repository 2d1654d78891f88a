import Foundation
import GRPCCore
import PluginHost
import PluginProtocol
import PluginSchemas

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs every check of docs/protocol.md §12 that applies to a plugin: `plugin-dev check`.
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
    guard let profile = options.host.profile else { return await runGeneric(progress: progress) }
    let fit = HostFit(profile)
    var report = await runGeneric { progress(fit.judge($0)) }
    report.results = report.results.map(fit.judge)
    report.host = profile.name
    report.notNeeded = fit.notNeeded
    return report
  }

  /// The checks of a generic go-plugin host.
  private func runGeneric(progress: @escaping @Sendable (CheckProgress) -> Void) async -> CheckReport {
    let clock = ContinuousClock()
    let started = clock.now
    func report(_ results: [CheckResult], failure: String? = nil) -> CheckReport {
      CheckReport(target: target.name, results: results, startFailure: failure, seconds: (clock.now - started).seconds)
    }
    if let attach = options.host.attach { return await runAttached(attach, progress: progress) }

    if options.host.runBuild, let build = target.build {
      let status = await runBuild(build, progress: progress)
      guard status.isSuccess else {
        return report(
          [],
          failure:
            "the build step `\(build.description)` failed (\(status)); its output is above. Fix the build, or use --no-build."
        )
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
    let range = options.narrowPortRange ? Self.randomPortWindow() : options.host.portRange

    let main: MainRun
    do {
      main = try await mainRun(range: range, store: store, progress: progress)
    } catch {
      return report([], failure: error.description)
    }
    for result in main.results { progress(.result(result)) }

    var later: [CheckResult] = []
    if let line = main.line {
      let wait = options.probeWait ?? Self.probeWait(after: main.latency, timeout: options.host.handshakeTimeout)
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
    range: ClosedRange<Int>, store: URL, progress: @escaping @Sendable (CheckProgress) -> Void
  ) async throws(PluginProcessError) -> MainRun {
    let timeout = options.host.handshakeTimeout
    let recorder = MainRunRecorder(timeout: timeout, progress: progress)
    let host = HostCore(target: target, options: mainRunOptions(range: range, store: store), observe: recorder.receive)
    let before = Set(ProcessTable.ownChildren().map(\.pid))
    await host.start()
    // What the start offered (with the host certificate when the host profile turns AutoMTLS on).
    let expectations = await host.expectations
    let started = recorder.snapshot
    if let failure = started.spawnFailure {
      await host.finish()
      throw failure
    }
    let excluded = before.union(started.pid.map { [$0] } ?? [])
    let (handshake, lineIndex) = Self.handshakeDecision(started.decision, timeout: timeout)
    let latency = lineIndex.flatMap { index in
      index < started.stdout.count ? started.startedAt.map { started.stdout[index].at - $0 } : nil
    }
    var observation = HandshakeChecks.Observation(
      decision: handshake, latency: latency, expectations: expectations, timeout: timeout)
    let first = HandshakeChecks.evaluate(observation)

    let running: [CheckResult]
    let refusal = HandshakeChecks.hostRefusal(handshake)
    if let line = first.usableLine, let refusal {
      // A handshake can be read past a host's refusal (a line after junk, a version not offered),
      // but a host stops there and never connects: so did the main run. Only the port is the line's.
      running = Self.runningChecks.map {
        $0 == .portRange ? ServiceChecks.portRange(line, range: range) : CheckResult.skip($0, refusal)
      }
      await host.stop()
      _ = await collectOrphans(excluding: excluded)
    } else if let line = first.usableLine {
      running = await exercise(line, host: host, recorder: recorder, range: range, excluded: excluded)
    } else {
      running = Self.runningChecks.map { CheckResult.skip($0, first.unusableReason) }
      await host.stop()
      _ = await collectOrphans(excluding: excluded)
    }
    // Every event up to the exit has been recorded once the host has finished.
    await host.finish()
    let ended = recorder.snapshot
    observation.lateFailure = ended.lateFailure
    let verdict = HandshakeChecks.evaluate(observation)

    var results = verdict.results + running + ended.stderrTally.results()
    if let lineIndex {
      results.append(StderrChecks.afterHandshake(Array(ended.stdout.map(\.line).dropFirst(lineIndex + 1))))
    } else {
      results.append(.skip(.stdoutAfterHandshake, "no handshake line"))
    }
    let reachable = running.first { $0.id == .handshakeReachable }?.status
    let reason =
      verdict.usableLine == nil
      ? verdict.unusableReason
      : refusal ?? (reachable == .skip ? "the plugin exited during the main run" : "nothing answered at its address")
    // The later runs (cookie, negotiation, AutoMTLS) start the plugin anew: a line a host
    // refused is still good enough to learn the version it answers.
    let usable = reachable == .pass || (refusal != nil && reachable == .skip)
    return MainRun(results: results, latency: latency, line: usable ? verdict.usableLine : nil, unusableReason: reason)
  }

  /// The checks of a running plugin, from handshake.reachable to shutdown.no-children (`exercise`'s).
  static let runningChecks: [CheckID] = [
    .handshakeReachable, .portRange, .healthServing, .stdioStream, .brokerStream, .reflection, .reflectionDescriptors,
    .kvRoundTrip,
    .controllerShutdown, .shutdownExit, .shutdownNoChildren,
  ]

  /// The main run's host options: the user's, with the check's port window and a private KV
  /// store, no relay, no health loop, no build (done), and AutoMTLS only when the host profile
  /// turns it on (a generic host's AutoMTLS run is separate: tls.auto-mtls).
  func mainRunOptions(range: ClosedRange<Int>, store: URL) -> HostOptions {
    var session = options.host
    session.portRange = range
    session.tap = false
    session.healthInterval = nil
    session.autoMTLS = options.host.profile?.autoMTLS == true
    session.runBuild = false
    session.actLikeGoHost = true
    session.sendCookie = true
    session.maxLineLength = StderrChecks.goLineLimit
    if target.environment["KV_STORE_DIR"] == nil, session.extraEnvironment["KV_STORE_DIR"] == nil {
      session.extraEnvironment["KV_STORE_DIR"] = store.path
    }
    return session
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
    _ line: HandshakeLine, host: HostCore, recorder: MainRunRecorder, range: ClosedRange<Int>, excluded: Set<Int32>
  ) async -> [CheckResult] {
    let connection = await host.connection
    let seen = recorder.snapshot
    let problem = connection == nil ? seen.connectProblem : nil
    let exitedEarly = connection == nil && problem == nil ? seen.exit?.status : nil
    var results: [CheckResult] = [
      exitedEarly.map {
        .skip(.handshakeReachable, "the plugin had exited (\($0)) before plugin-dev could connect; see shutdown.exit")
      }
        ?? ServiceChecks.reachable(line, problem: problem)
    ]
    guard let connection else {
      results.append(.skip(.portRange, "nothing listens at \(line.address)"))
      for id in [CheckID.healthServing, .stdioStream, .brokerStream, .reflection, .reflectionDescriptors, .kvRoundTrip]
      {
        results.append(.skip(id, "the address is unreachable"))
      }
      await host.stop()
      let left = await collectOrphans(excluding: excluded)
      if let exitedEarly {
        results += ShutdownChecks.evaluate(
          .init(
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

    let health = await HealthCall.sample(connection, timeout: .seconds(5))
    let healthResult = ServiceChecks.health(health.outcome, milliseconds: Int((health.latency * 1000).rounded()))
    let kv = await KVRoundTrip.run(connection)
    let reflection = await ReflectionProbe.run(connection.client)
    let descriptors = await ReflectionClient.fetch(connection.client)
    let streams = await host.streamOutcomes(on: connection)
    results += [
      healthResult, ServiceChecks.stdio(streams.stdio), ServiceChecks.broker(streams.broker),
      ServiceChecks.reflection(reflection),
      ReflectionDescriptorCheck.evaluate(descriptors), KVRoundTrip.evaluate(kv),
    ]
    results += ShutdownChecks.evaluate(await stop(host, recorder: recorder, excluded: excluded))
    return results
  }

  // MARK: - The extra runs

  private func cookieCheck(range: ClosedRange<Int>, store: URL, wait: Duration) async -> CheckResult {
    let key = options.host.handshake(of: target).magicCookieKey
    let socketDirectory = try? HostLaunch.socketDirectory(options.host)
    defer { socketDirectory?.remove() }
    var session = options.host
    session.sendCookie = false
    session.portRange = range
    let environment = HostLaunch.environment(target, session, socketDirectory: socketDirectory?.path)
    guard let run = await probe(launch(environment, store: store, withoutCookie: true), wait: wait) else {
      return .skip(.cookieRefused, "the plugin could not be started a second time")
    }
    return CookieCheck.evaluate(run, cookieKey: key)
  }

  private func negotiationCheck(answered: Int, range: ClosedRange<Int>, store: URL, wait: Duration) async -> CheckResult
  {
    let supported = target.handshake.protocolVersions
    let offeredBefore = options.host.protocolVersions ?? supported
    let offered = NegotiationCheck.unsupportedVersions(supported: supported + offeredBefore + [answered])
    let socketDirectory = try? HostLaunch.socketDirectory(options.host)
    defer { socketDirectory?.remove() }
    var session = options.host
    session.sendCookie = true
    session.protocolVersions = offered
    session.portRange = range
    let environment = HostLaunch.environment(target, session, socketDirectory: socketDirectory?.path)
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

  /// The launch of the plugin with `environment` (the go-plugin variables), without the cookie when `withoutCookie`.
  func launch(_ environment: PluginEnvironment, store: URL, withoutCookie: Bool = false) -> PluginProcess.Launch {
    var session = mainRunOptions(range: options.host.portRange, store: store)
    session.sendCookie = !withoutCookie
    return HostLaunch.launch(target, session, environment: environment)
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
