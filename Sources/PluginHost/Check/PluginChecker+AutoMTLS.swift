import AutoMTLS
import Foundation
import GRPCCore
import PluginProtocol
import WireTap
import X509

#if canImport(Glibc)
import Glibc
#endif

extension PluginChecker {
  /// The fourth run: `PLUGIN_CLIENT_CERT` set like an AutoMTLS host. On a certificate in field 6,
  /// plugin-dev dials mutual TLS (its P-521 certificate, trusting only the plugin's, name
  /// `localhost`) through a local relay and asks `Health/Check("plugin")`; then stops the plugin.
  func autoMTLSCheck(range: ClosedRange<Int>, store: URL, wait: Duration) async -> CheckResult {
    let identity: AutoMTLSIdentity
    do {
      identity = try AutoMTLSIdentity.generate()
    } catch {
      return .skip(.autoMTLS, "plugin-dev could not make a host certificate: \(error)")
    }
    let session = options.session
    let environment = PluginEnvironment.host(
      config: target.handshake, includeCookie: true, cookieValue: session.cookieValue,
      protocolVersions: session.protocolVersions, portRange: range, clientCertificatePEM: identity.certificatePEM,
      multiplex: session.requestMultiplexing)
    let before = Set(ProcessTable.ownChildren().map(\.pid))
    guard let observed = try? await ObservedPlugin.start(launch(environment, store: store)) else {
      return .skip(.autoMTLS, "the plugin could not be started again")
    }
    let run = await observed.probeOutcome(within: wait)
    let process = observed.process
    var observation = AutoMTLSCheck.Observation.noHandshake(run)
    var connection: PluginConnection?
    var relay: TapProxy?

    if case .handshake(let raw, _) = run.outcome {
      do {
        let line = try Self.parseForCertificate(raw, environment.expectations())
        let der = line.serverCertificateDER ?? []
        let names = Self.dnsNames(der)
        let errors = LockedValue<[String]>([])
        do {
          let context = try AutoMTLSContext.client(identity: identity, trustingServerCertificateDER: der)
          let target: TapProxy.Address = line.tcpAddress.map { .tcp(host: $0.dialHost, port: $0.port) } ?? .unix(path: line.address)
          let proxy = try await TapProxy.start(
            listen: .tcp(host: "127.0.0.1", port: 0), target: target,
            targetTLS: .init(context: context, serverHostname: AutoMTLSContext.serverHostname),
            onBytes: { _, _, _ in },
            onEvent: { event in
              switch event {
              case .error(_, .pluginToHost, let reason), .failed(_, let reason): errors.withLock { $0.append(reason) }
              default: break
              }
            })
          relay = proxy
          let client = try PluginConnection(network: .tcp, address: proxy.listeningAddress.description)
          connection = client
          let clock = ContinuousClock()
          let start = clock.now
          switch await Self.health(over: client, tlsErrors: errors) {
          case .answered(let status):
            let ms = HandshakeChecks.milliseconds(clock.now - start)
            let anonymous = await Self.answersWithoutClientCertificate(target: target, pluginCertificateDER: der)
            observation = .certificate(raw: raw, names: names, tls: .answered(status: status, milliseconds: ms), anonymousAnswered: anonymous)
          case .failed(let code, let message):
            observation = .certificate(raw: raw, names: names, tls: .failed(code: code, message: message, tlsError: errors.value.first))
          case .tlsFailed:
            observation = .certificate(raw: raw, names: names, tls: .handshakeFailed(reason: errors.value.first ?? "no reason given"))
          }
        } catch {
          observation = .certificate(raw: raw, names: names, tls: .failed(code: "unavailable", message: "\(error)", tlsError: errors.value.first))
        }
      } catch .missingServerCertificate {
        observation = .noCertificate(raw: raw)
      } catch {
        observation = HandshakeChecks.category(of: error) == .handshakeCert
          ? .refused(raw: raw, error: error) : .otherHandshakeProblem(raw: raw, error: error)
      }
    }

    await observed.markStopping()
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
    await relay?.close()
    await observed.finish()
    _ = await collectOrphans(excluding: before.union([process.pid]))
    return AutoMTLSCheck.evaluate(observation)
  }

  /// Parses the line for its certificate: problems other checks report (a version the host did
  /// not offer, …) are relaxed as the main run relaxes them; certificate problems are thrown.
  static func parseForCertificate(_ raw: String, _ expectations: HandshakeExpectations) throws(HandshakeError) -> HandshakeLine {
    var (text, host) = (raw, expectations)
    var firstError: HandshakeError?
    for _ in 0..<4 {
      do {
        return try HandshakeLine.parse(text, expecting: host)
      } catch {
        if HandshakeChecks.category(of: error) == .handshakeCert { throw error }
        firstError = firstError ?? error
        guard let relaxed = HandshakeChecks.relax(text, host, for: error) else { throw error }
        (text, host) = relaxed
      }
    }
    throw firstError ?? .unrecognized(line: raw)
  }

  /// How `Health/Check` through a TLS relay went.
  enum RelayHealth: Sendable {
    case answered(String)
    case failed(code: String, message: String)
    /// The relay's TLS connection to the plugin failed (taken at once: grpc-swift would keep
    /// reconnecting until the deadline).
    case tlsFailed
  }

  /// `Health/Check("plugin")` through a TLS relay, raced against the relay reporting a TLS error.
  static func health(over client: PluginConnection, tlsErrors: LockedValue<[String]>, timeout: Duration = .seconds(10)) async
    -> RelayHealth
  {
    await withTaskGroup(of: RelayHealth?.self) { group in
      group.addTask {
        do {
          return .answered(try await client.health.check(timeout: timeout).protoName)
        } catch let error as RPCError {
          return tlsErrors.value.isEmpty ? .failed(code: "\(error.code)", message: error.message) : .tlsFailed
        } catch {
          return tlsErrors.value.isEmpty ? .failed(code: "unknown", message: "\(error)") : .tlsFailed
        }
      }
      group.addTask {
        while !Task.isCancelled {
          if !tlsErrors.value.isEmpty { return .tlsFailed }
          try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
      }
      var outcome: RelayHealth?
      while outcome == nil, let next = await group.next() { outcome = next }
      group.cancelAll()
      return outcome ?? .tlsFailed
    }
  }

  /// Whether the plugin answers `Health/Check` over TLS to a client that presents no certificate
  /// (go-plugin's plugins refuse it: RequireAndVerifyClientCert); nil when that could not be told
  /// (the deadline passed with no TLS refusal).
  static func answersWithoutClientCertificate(target: TapProxy.Address, pluginCertificateDER der: [UInt8]) async -> Bool? {
    let refusals = LockedValue<[String]>([])
    guard let context = try? AutoMTLSContext.client(identity: nil, trustingServerCertificateDER: der),
      let proxy = try? await TapProxy.start(
        listen: .tcp(host: "127.0.0.1", port: 0), target: target,
        targetTLS: .init(context: context, serverHostname: AutoMTLSContext.serverHostname), onBytes: { _, _, _ in },
        onEvent: { event in
          if case .error(_, .pluginToHost, let reason) = event { refusals.withLock { $0.append(reason) } }
        })
    else { return nil }
    var answered: Bool?
    if let client = try? PluginConnection(network: .tcp, address: proxy.listeningAddress.description) {
      switch await health(over: client, tlsErrors: refusals) {
      case .answered: answered = true
      case .tlsFailed: answered = false
      case .failed: answered = nil
      }
      await close(client)
    }
    await proxy.close()
    return answered
  }

  /// The DNS names in a certificate's subject alternative names.
  static func dnsNames(_ der: [UInt8]) -> [String] {
    guard let certificate = try? Certificate(derEncoded: der),
      let san = try? certificate.extensions.subjectAlternativeNames
    else { return [] }
    return san.compactMap { if case .dnsName(let name) = $0 { name } else { nil } }
  }
}
