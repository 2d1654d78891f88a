import AutoMTLS
import Foundation
import GRPCCore
import PluginHost
import PluginProtocol
import Relay

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
    let socketDirectory = try? HostLaunch.socketDirectory(options.host)
    defer { socketDirectory?.remove() }
    var session = options.host
    session.sendCookie = true
    session.portRange = range
    let environment = HostLaunch.environment(
      target, session, clientCertificatePEM: identity.certificatePEM, socketDirectory: socketDirectory?.path)
    var observation: AutoMTLSCheck.Observation?
    var probeClient: TLSProbeClient?
    let run = await probe(launch(environment, store: store), wait: wait) { run in
      guard case .handshake(let raw, _) = run.outcome else { return nil }
      let line: HandshakeLine
      do throws(HandshakeError) {
        line = try Self.parseForCertificate(raw, environment.expectations())
      } catch .missingServerCertificate {
        observation = .noCertificate(raw: raw)
        return nil
      } catch {
        observation =
          HandshakeChecks.category(of: error) == .handshakeCert
          ? .refused(raw: raw, error: error) : .otherHandshakeProblem(raw: raw, error: error)
        return nil
      }
      let der = line.serverCertificateDER ?? []
      let names = Self.dnsNames(der)
      let target = TapProxy.Address(network: line.network, address: line.address)
      let tls: TLSProbeClient
      do {
        tls = try await TLSProbeClient.start(to: target, identity: identity, pluginCertificateDER: der)
      } catch {
        observation = .certificate(
          raw: raw, names: names, tls: .failed(code: .unavailable, message: "\(error)", tlsError: nil))
        return nil
      }
      probeClient = tls
      let clock = ContinuousClock()
      let start = clock.now
      switch await tls.health() {
      case .answered(let status):
        let ms = HandshakeChecks.milliseconds(clock.now - start)
        let anonymous = await Self.answersWithoutClientCertificate(target: target, pluginCertificateDER: der)
        observation = .certificate(
          raw: raw, names: names, tls: .answered(status: status, milliseconds: ms), anonymousAnswered: anonymous)
      case .failed(let code, let message):
        observation = .certificate(
          raw: raw, names: names, tls: .failed(code: code, message: message, tlsError: tls.firstTrouble))
      case .tlsFailed:
        observation = .certificate(
          raw: raw, names: names, tls: .handshakeFailed(reason: tls.firstTrouble ?? "no reason given"))
      }
      return tls.client
    }
    await probeClient?.closeRelay()
    guard let run else { return .skip(.autoMTLS, "the plugin could not be started again") }
    return AutoMTLSCheck.evaluate(observation ?? .noHandshake(run), python: target.command.looksLikePython)
  }

  /// Parses the line for its certificate: problems other checks report (a version the host did
  /// not offer, …) are relaxed as the main run relaxes them; certificate problems are thrown.
  static func parseForCertificate(_ raw: String, _ expectations: HandshakeExpectations) throws(HandshakeError)
    -> HandshakeLine
  {
    var (text, host) = (raw, expectations)
    var firstError: HandshakeError?
    for _ in 0..<4 {
      do {
        return try HandshakeLine.parseAndCheck(text, expecting: host)
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
    case failed(code: Status.Code, message: String)
    /// The relay's connection to the plugin failed (taken at once: grpc-swift would keep
    /// reconnecting until the deadline).
    case tlsFailed
  }

  /// plugin-dev's end of a TLS connection for `tls.auto-mtls`: a local relay that does the TLS to
  /// the plugin, a gRPC client on the relay, and what went wrong on the relay's plugin side.
  struct TLSProbeClient: Sendable {
    let relay: TapProxy
    /// The private folder of the relay's socket (only this user can connect to it).
    let directory: PrivateDirectory
    let client: PluginConnection
    /// Failed connects and TLS errors to the plugin, in order (`isTLS` tells them apart).
    let trouble: LockedValue<[(isTLS: Bool, reason: String)]>
    /// Yields once per trouble reported.
    let troubleReported: AsyncStream<Void>

    /// Starts the relay to `target`, presenting `identity` (nil: no client certificate) and
    /// trusting only the plugin's certificate.
    static func start(to target: TapProxy.Address, identity: AutoMTLSIdentity?, pluginCertificateDER der: [UInt8])
      async throws
      -> TLSProbeClient
    {
      let trouble = LockedValue<[(isTLS: Bool, reason: String)]>([])
      let (reported, report) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
      let context = try AutoMTLSContext.client(identity: identity, trustingServerCertificateDER: der)
      let directory = try PrivateDirectory.make(prefix: "plugin-dev-check-")
      let relay: TapProxy
      do {
        relay = try await TapProxy.start(
          listen: .unix(path: directory.appending("relay.sock")), target: target,
          targetTLS: .init(context: context, serverHostname: AutoMTLSContext.serverHostname), onBytes: { _, _, _ in },
          onEvent: { event in
            switch event {
            case .error(_, .pluginToHost, let reason): trouble.withLock { $0.append((true, reason)) }
            case .failed(_, let reason): trouble.withLock { $0.append((false, reason)) }
            default: return
            }
            report.yield()
          })
      } catch {
        directory.remove()
        throw error
      }
      do {
        return TLSProbeClient(
          relay: relay, directory: directory,
          client: try PluginConnection(network: .unix, address: directory.appending("relay.sock")), trouble: trouble,
          troubleReported: reported)
      } catch {
        await relay.close()
        directory.remove()
        throw error
      }
    }

    /// The first thing that went wrong on the plugin side, if anything did.
    var firstTrouble: String? { trouble.value.first?.reason }

    /// `Health/Check("plugin")`, raced against the relay reporting trouble.
    func health(timeout: Duration = .seconds(10)) async -> RelayHealth {
      await withTaskGroup(of: RelayHealth?.self) { group in
        group.addTask {
          do {
            return .answered(try await client.health.check(timeout: timeout).protoName)
          } catch let error as RPCError {
            return trouble.value.isEmpty ? .failed(code: Status.Code(error.code), message: error.message) : .tlsFailed
          } catch {
            return trouble.value.isEmpty ? .failed(code: .unknown, message: "\(error)") : .tlsFailed
          }
        }
        group.addTask { [troubleReported] in
          for await _ in troubleReported { return .tlsFailed }
          return nil
        }
        var outcome: RelayHealth?
        while outcome == nil, let next = await group.next() { outcome = next }
        group.cancelAll()
        return outcome ?? .tlsFailed
      }
    }

    /// Closes the client, then the relay.
    func close() async {
      await PluginChecker.close(client)
      await closeRelay()
    }

    /// Closes the relay and removes its folder.
    func closeRelay() async {
      await relay.close()
      directory.remove()
    }
  }

  /// Whether the plugin answers `Health/Check` over TLS to a client that presents no certificate
  /// (go-plugin's plugins refuse it: RequireAndVerifyClientCert); nil when that could not be told
  /// (the deadline passed with no TLS refusal).
  static func answersWithoutClientCertificate(target: TapProxy.Address, pluginCertificateDER der: [UInt8]) async
    -> Bool?
  {
    guard let anonymous = try? await TLSProbeClient.start(to: target, identity: nil, pluginCertificateDER: der) else {
      return nil
    }
    let answered: Bool?
    switch await anonymous.health() {
    case .answered: answered = true
    case .tlsFailed: answered = anonymous.trouble.value.first?.isTLS == true ? false : nil
    case .failed: answered = nil
    }
    await anonymous.close()
    return answered
  }

  /// The DNS names in a certificate's subject alternative names.
  static func dnsNames(_ der: [UInt8]) -> [String] {
    (try? PluginCertificate(der: der))?.dnsNames ?? []
  }
}
