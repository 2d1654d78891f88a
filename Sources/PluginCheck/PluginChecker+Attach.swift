import Foundation
import PluginHost
import PluginProtocol
import PluginSchemas

/// `check --attach`: the checks that only need the plugin's address and its services, on a
/// plugin someone else started; the ones that need a launch (its stdout and stderr, its exit,
/// its environment, the extra runs) are SKIP with the reason.
extension PluginChecker {
  /// Checks the attached plugin, in the same order and with the same ids as a launched one.
  func runAttached(_ attach: AttachTarget, progress: @escaping @Sendable (CheckProgress) -> Void) async -> CheckReport {
    let clock = ContinuousClock()
    let started = clock.now
    let line = attach.line
    let notStarted = "attached: plugin-dev did not start the plugin, so it did not see"
    var results: [CheckResult] = [
      .skip(.handshakePresent, "\(notStarted) its stdout (the line was given: \(line.formatted))"),
      .skip(.handshakeNoJunk, "\(notStarted) its stdout"),
      .skip(.handshakeFlushed, "\(notStarted) its stdout"),
    ]
    let expectations = HandshakeExpectations(
      offeredVersions: [line.appVersion], clientCertificateSent: line.carriesCertificate)
    let judged = HandshakeChecks.lineChecks(line.formatted, expectations).results
    for id in [CheckID.handshakeFields, .handshakeVersion, .handshakeCert, .handshakeSocketPath] {
      if id == .handshakeVersion {
        results.append(.skip(id, "\(notStarted) which PLUGIN_PROTOCOL_VERSIONS it was offered"))
      } else if let result = judged.first(where: { $0.id == id }) {
        results.append(result)
      }
    }
    for result in results { progress(.result(result)) }

    var session = options.host
    session.attach = attach
    session.tap = false
    session.healthInterval = nil
    session.runBuild = false
    session.actLikeGoHost = true
    let host = HostCore(target: attach.pluginTarget, options: session, observe: { _ in })
    await host.start()
    var later: [CheckResult] = []
    if let connection = await host.connection {
      later.append(ServiceChecks.reachable(line, problem: nil))
      later.append(.skip(.portRange, "\(notStarted) which PLUGIN_MIN_PORT..PLUGIN_MAX_PORT it was given"))
      let health = await HealthCall.sample(connection, timeout: .seconds(5))
      later.append(ServiceChecks.health(health.outcome, milliseconds: Int((health.latency * 1000).rounded())))
      let streams = await host.streamOutcomes(on: connection)
      later.append(ServiceChecks.stdio(streams.stdio))
      later.append(ServiceChecks.broker(streams.broker))
      later.append(ServiceChecks.reflection(await ReflectionProbe.run(connection.client)))
      later.append(ReflectionDescriptorCheck.evaluate(await ReflectionClient.fetch(connection.client)))
      later.append(KVRoundTrip.evaluate(await KVRoundTrip.run(connection)))
      // The finish sends Shutdown (a stop of an attached host only disconnects).
      await host.finish()
      let stop = await host.lastStop
      let controller = ShutdownChecks.controller(
        .init(
          controller: stop.controller ?? .noReply, exitedAfter: nil, exitStatus: nil, leftBehind: [],
          orphansTracked: false))
      later.append(controller)
    } else {
      let problem = await ReachabilityProbe.problem(with: line)
      later.append(
        ServiceChecks.reachable(
          line, problem: problem ?? .unreachable(address: line.address, reason: "plugin-dev could not connect")))
      for id in [
        CheckID.portRange, .healthServing, .stdioStream, .brokerStream, .reflection, .reflectionDescriptors,
        .kvRoundTrip,
        .controllerShutdown,
      ] {
        later.append(.skip(id, "the address is unreachable"))
      }
    }
    await host.finish()
    let needsLaunch = "attached: needs a plugin plugin-dev starts"
    later += [
      .skip(.shutdownExit, "\(needsLaunch) (attached, plugin-dev never waits for or ends the process)"),
      .skip(.shutdownNoChildren, "\(needsLaunch) (its processes are not plugin-dev's)"),
      .skip(.stderrHCLog, "\(notStarted) its stderr"),
      .skip(.stderrLineLength, "\(notStarted) its stderr"),
      .skip(.stdoutAfterHandshake, "\(notStarted) its stdout"),
      .skip(.cookieRefused, "\(needsLaunch) without its magic cookie"),
      .skip(.negotiationUnsupportedVersion, "\(needsLaunch) offered versions it does not support"),
      .skip(.autoMTLS, "\(needsLaunch) with PLUGIN_CLIENT_CERT"),
    ]
    for result in later { progress(.result(result)) }
    return CheckReport(
      target: attach.pluginTarget.name, results: results + later, seconds: (clock.now - started).seconds)
  }
}
