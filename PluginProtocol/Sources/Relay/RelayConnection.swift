import NIOCore
import NIOPosix
import NIOSSL
import Traffic

/// One relayed connection: the host-side channel, the dialled plugin-side channel and the
/// pair of handlers gluing them. Confined to the event loop both channels share.
final class RelayConnection {
  let id: Int
  let onBytes: TapProxy.BytesHandler
  let onEvent: TapProxy.EventHandler
  private let table: ConnectionTable
  private var opened = false
  private var inactiveChannels = 0
  private var errorReported = false
  /// Whether the host's channel already closed (the dial may complete after that).
  private(set) var hostClosed = false

  private init(
    id: Int, table: ConnectionTable, onBytes: @escaping TapProxy.BytesHandler, onEvent: @escaping TapProxy.EventHandler
  ) {
    self.id = id
    self.table = table
    self.onBytes = onBytes
    self.onEvent = onEvent
  }

  /// Sets up a freshly accepted host channel and dials the target. Runs on its event loop.
  static func start(
    hostChannel: any Channel, target: TapProxy.Address, targetTLS: TapProxy.TLS?, table: ConnectionTable,
    onBytes: @escaping TapProxy.BytesHandler, onEvent: @escaping TapProxy.EventHandler
  ) throws {
    guard let id = table.register(hostChannel) else {
      hostChannel.close(promise: nil)
      return
    }
    let connection = RelayConnection(id: id, table: table, onBytes: onBytes, onEvent: onEvent)
    let hostSide = RelayHandler(connection: connection, reads: .hostToPlugin)
    let pluginSide = RelayHandler(connection: connection, reads: .pluginToHost)
    hostSide.partner = pluginSide
    pluginSide.partner = hostSide
    try hostChannel.pipeline.syncOperations.addHandler(hostSide)

    let loop = hostChannel.eventLoop
    let boundPluginSide = NIOLoopBound(pluginSide, eventLoop: loop)
    let bootstrap = ClientBootstrap(group: loop)
      .channelOption(.allowRemoteHalfClosure, value: true)
      .connectTimeout(.seconds(10))
      .channelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          if let targetTLS {
            try channel.pipeline.syncOperations.addHandler(
              NIOSSLClientHandler(context: targetTLS.context, serverHostname: targetTLS.serverHostname))
          }
          try channel.pipeline.syncOperations.addHandler(boundPluginSide.value)
        }
      }
    let connect: EventLoopFuture<any Channel>
    switch target {
    case .tcp(let host, let port): connect = bootstrap.connect(host: host, port: port)
    case .unix(let path): connect = bootstrap.connect(unixDomainSocketPath: path)
    }
    connect.assumeIsolated().whenComplete { result in
      switch result {
      case .success(let pluginChannel):
        // Unix-socket connects can complete before the host channel is even active, so
        // ask the handler whether the host side closed rather than `isActive`.
        if !table.add(pluginChannel, to: id) || connection.hostClosed {
          pluginChannel.close(promise: nil)
          hostChannel.close(promise: nil)
        }
      case .failure(let error):
        connection.onEvent(.failed(id: id, reason: "could not connect to \(target): \(error)"))
        table.remove(id)
        hostChannel.close(promise: nil)
      }
    }
  }

  /// The plugin side is connected: report it and let the host side start reading.
  func pluginSideActive(hostSide: RelayHandler?) {
    guard !opened else { return }
    opened = true
    onEvent(.opened(id: id))
    hostSide?.partnerBecameReady()
  }

  /// An error closes one side; the first is reported (the TLS handshake's reason, typically).
  func errorCaught(_ direction: Direction, _ error: any Error) {
    guard !errorReported else { return }
    errorReported = true
    onEvent(.error(id: id, direction: direction, reason: "\(error)"))
  }

  /// One of the two channels closed; after both, the connection is done.
  func channelClosed(_ direction: Direction) {
    if direction == .hostToPlugin { hostClosed = true }
    inactiveChannels += 1
    guard opened, inactiveChannels == 2 else { return }
    table.remove(id)
    onEvent(.closed(id: id))
  }
}
