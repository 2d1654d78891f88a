import AutoMTLS
import Foundation
import GRPCCore
import PluginProtocol
import Relay
import SwiftProtobuf
import WireTap

extension HostCore {
  /// Checks the announced address, then connects the way a Go host would (through the decoding
  /// relay when asked, and always through it under AutoMTLS) and opens the Go host's streams.
  func connect(_ line: HandshakeLine, epoch: Int) async {
    if let problem = await ReachabilityProbe.problem(with: line) {
      return feed(.connectFailed(problem), from: epoch)
    }
    guard epoch == self.epoch, let run, machine.state == .connecting else { return }
    var network = line.network
    var address = line.address
    var tls: TapProxy.TLS?
    if options.attach != nil, line.carriesCertificate, identity == nil {
      let reason = attachIdentityProblem ?? "no host certificate to talk AutoMTLS with"
      return feed(.connectFailed(.unreachable(address: line.address, reason: reason)), from: epoch)
    }
    if let identity, line.carriesCertificate {
      do {
        tls = TapProxy.TLS(
          context: try AutoMTLSContext.client(
            identity: identity, trustingServerCertificateDER: line.serverCertificateDER ?? []),
          serverHostname: AutoMTLSContext.serverHostname)
      } catch {
        let reason = "the plugin's AutoMTLS certificate is unusable: \(error)"
        return feed(.connectFailed(.unreachable(address: line.address, reason: reason)), from: epoch)
      }
    }
    if options.tap || tls != nil {
      do {
        let (proxy, local, directory) = try await startRelay(for: line, tls: tls, decode: options.tap, run: run)
        run.proxy = proxy
        run.proxyDirectory = directory
        network = .unix
        address = local
        if options.tap { observe(.tapReady(local: local, plugin: line.address)) }
      } catch  where tls != nil {
        let reason = "the AutoMTLS relay could not start: \(error)"
        return feed(.connectFailed(.unreachable(address: line.address, reason: reason)), from: epoch)
      } catch {
        observe(.notice("the decoding relay could not start (\(error)); connecting directly, without a frame log"))
      }
    }
    // A stop or the exit while the relay started: the teardown has run, close what was opened here.
    if options.serve, options.tap, run.proxy != nil {
      await startServedRelay(for: line, tls: tls, run: run)
    }
    guard self.run === run, machine.state == .connecting else {
      await run.servedProxy?.close()
      await run.proxy?.close()
      run.proxyDirectory?.remove()
      await drainTraffic(of: run)
      return
    }
    do {
      let connection = try PluginConnection(network: network, address: address)
      run.connection = connection
      if options.actLikeGoHost {
        run.streams = GoHostStreams(
          connection, onStdio: { [weak self] data in await self?.stdio(data, epoch: epoch) },
          note: { [weak self] text in await self?.streamNote(text, epoch: epoch) })
      }
      feed(.connected, from: epoch)
      if let served = run.servedProxy, case .unix(let path) = served.listeningAddress, let pid = run.process?.pid {
        observe(
          .serving(
            ReattachConfig(
              protocolVersion: line.appVersion, pid: pid, address: path, autoMTLS: tls != nil, profile: options.profile,
              providerAddress: options.providerAddress)))
      }
    } catch {
      feed(.connectFailed(.unreachable(address: line.address, reason: "\(error)")), from: epoch)
    }
  }

  private func stdio(_ data: Plugin_StdioData, epoch: Int) {
    guard epoch == self.epoch else { return }
    observe(.stdio(data))
  }

  /// A note about the Go host's streams, unless the plugin is being stopped (streams end then).
  private func streamNote(_ text: String, epoch: Int) {
    guard epoch == self.epoch, machine.state == .running || machine.state == .connecting else { return }
    observe(.notice(text))
  }

  private func startRelay(for line: HandshakeLine, tls: TapProxy.TLS?, decode: Bool, run: Run) async throws
    -> (TapProxy, String, PrivateDirectory)
  {
    let target = TapProxy.Address(network: line.network, address: line.address)
    // Whatever the plugin's network, the relay listens where only this user can connect: a unix
    // socket in a private folder. On a tcp port any local process could call the plugin through
    // it, with plugin-dev's client certificate under AutoMTLS (issue #16 item 1c).
    let directory = try run.proxyDirectory ?? Self.makeRelayDirectory()
    let listen: TapProxy.Address = .unix(path: directory.appending("tap.sock"))
    let traffic = decode ? startTraffic(for: line, listen: directory.appending("tap.sock"), decrypted: tls != nil) : nil
    let proxy: TapProxy
    let epoch = run.epoch
    do {
      // On the client connection's thread: a call crosses the relay without waking another thread
      // (the tap's cost per call, issue #14 target 2).
      proxy = try await TapProxy.start(
        listen: listen, target: target, targetTLS: tls, group: EventLoopExecutor.shared.group,
        onBytes: { connection, direction, chunk in traffic?.bytes(connection, direction, chunk) },
        onEvent: { [weak self] event in
          traffic?.event(event)
          guard let self else { return }
          Task { await self.relayEvent(event, epoch: epoch) }
        })
    } catch {
      traffic?.cancel()
      directory.remove()
      throw error
    }
    run.traffic = traffic
    return (proxy, directory.appending("tap.sock"), directory)
  }

  /// `run --serve`: a second listener of the relay, for a real host, in the same private folder;
  /// its traffic goes to the same decoder and capture, numbered apart (`ServedConnection`).
  private func startServedRelay(for line: HandshakeLine, tls: TapProxy.TLS?, run: Run) async {
    guard let directory = run.proxyDirectory else { return }
    let traffic = run.traffic
    do {
      run.servedProxy = try await TapProxy.start(
        listen: .unix(path: directory.appending("serve.sock")),
        target: TapProxy.Address(network: line.network, address: line.address), targetTLS: tls,
        group: EventLoopExecutor.shared.group,
        onBytes: { id, direction, chunk in traffic?.bytes(ServedConnection.number(id), direction, chunk) },
        onEvent: { event in traffic?.event(ServedConnection.numbered(event)) })
    } catch {
      observe(
        .notice(
          "--serve: the host's listener could not start (\(error)); only plugin-dev's console can call the plugin"))
    }
  }

  /// The private folder the relay listens in (made early, while the plugin starts, when it can be).
  static func makeRelayDirectory() throws(PrivateDirectory.CreationError) -> PrivateDirectory {
    try PrivateDirectory.make(prefix: "plugin-dev-tap-")
  }

  private func relayEvent(_ event: TapProxy.ConnectionEvent, epoch: Int) {
    // While stopping, the client's reconnect attempts to a plugin that is going away are expected.
    guard epoch == self.epoch, machine.state == .running || machine.state == .connecting else { return }
    switch event {
    case .failed(let id, let reason):
      observe(.notice("relay connection \(id) to the plugin failed: \(reason)"))
    case .error(let id, .pluginToHost, let reason) where options.autoMTLS:
      observe(.notice("relay connection \(id): TLS with the plugin failed: \(TLSErrorText.compact(reason))"))
    default:
      break
    }
  }
}
