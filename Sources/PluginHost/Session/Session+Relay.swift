import AutoMTLS
import Foundation
import GRPCCore
import PluginProtocol
import Relay
import SwiftProtobuf
import WireTap

extension Session {
  /// Connects the way a Go host would, but through the decoding relay.
  func connect(_ current: Run, to line: HandshakeLine) async {
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

  func startProxy(for line: HandshakeLine, tls: TapProxy.TLS?, decode: Bool) async throws
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
          if decode { sink.yield(.bytes(connection: connection, direction: Direction(direction), bytes: chunk, time: Date())) }
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

  func emitFrame(_ record: FrameRecord) {
    emit(.frame(record))
  }

  func proxyEvent(_ event: TapProxy.ConnectionEvent) {
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
