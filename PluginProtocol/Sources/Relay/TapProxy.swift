import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Traffic

/// A byte relay between the host and a plugin that reports every chunk it forwards.
///
/// Each accepted connection dials the target on the same event loop, then bytes are
/// forwarded unchanged and in order both ways; half-closes and closes are propagated.
/// A side is only read while the other side can take more bytes (no unbounded buffering).
/// `onBytes` is called on the event loop *before* the chunk is forwarded, so it must only
/// enqueue (decode elsewhere); per connection, calls are serialised and causally ordered.
/// It runs on `group` when given one, else on NIO's singleton `MultiThreadedEventLoopGroup`. On
/// the thread of the client that calls through it (`run`), a call crosses the relay without
/// waking another thread: +18% per call instead of +32% (`plugin-dev-bench client`).
///
/// Either side may be TLS (`listenTLS`, `targetTLS`); the relay then sees, reports and forwards
/// the plaintext, so the decoder works on an AutoMTLS connection too.
public final class TapProxy: Sendable {
  /// Where to listen or connect.
  public enum Address: Sendable, Hashable, CustomStringConvertible {
    /// A TCP host and port (port 0 when listening picks a free port).
    case tcp(host: String, port: Int)
    /// A unix domain socket path.
    case unix(path: String)

    /// `127.0.0.1:1234` or `unix:/tmp/plugin.sock`.
    public var description: String {
      switch self {
      case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
      case .unix(let path): "unix:\(path)"
      }
    }
  }

  /// Lifecycle of a relayed connection. Every id ends with exactly one `closed` (after
  /// `opened`) or one `failed` (the target could not be reached; no `opened`).
  public enum ConnectionEvent: Sendable, Hashable {
    /// The host connected and the target was reached; bytes may flow.
    case opened(id: Int)
    /// Both sides of the connection are closed.
    case closed(id: Int)
    /// The target could not be reached; the host's connection was closed.
    case failed(id: Int, reason: String)
    /// An error closed an opened connection (e.g. a failed TLS handshake); `closed` follows.
    case error(id: Int, direction: Direction, reason: String)

    /// The connection id the event is about.
    public var connectionID: Int {
      switch self {
      case .opened(let id), .closed(let id), .failed(let id, _), .error(let id, _, _): id
      }
    }
  }

  /// TLS on one side of the relay.
  public struct TLS: Sendable {
    /// The NIOSSL context (client or server).
    public var context: NIOSSLContext
    /// For the target side: the name to verify in the server's certificate (and send as SNI).
    public var serverHostname: String?

    /// Creates a TLS setting.
    public init(context: NIOSSLContext, serverHostname: String? = nil) {
      self.context = context
      self.serverHostname = serverHostname
    }
  }

  /// Receives each forwarded chunk: connection id, direction and the bytes.
  public typealias BytesHandler = @Sendable (_ connectionID: Int, _ direction: Direction, _ bytes: [UInt8]) -> Void
  /// Receives connection events.
  public typealias EventHandler = @Sendable (_ event: ConnectionEvent) -> Void

  /// The address actually listened on (the real port when `.tcp(port: 0)` was asked for).
  public let listeningAddress: Address
  /// Where connections are relayed to.
  public let target: Address

  private let serverChannel: any Channel
  private let table: ConnectionTable
  private let ownsSocketFile: Bool

  private init(
    listeningAddress: Address, target: Address, serverChannel: any Channel, table: ConnectionTable,
    ownsSocketFile: Bool = true
  ) {
    self.listeningAddress = listeningAddress
    self.target = target
    self.serverChannel = serverChannel
    self.table = table
    self.ownsSocketFile = ownsSocketFile
  }

  /// Starts listening; each accepted connection is relayed to `target`.
  ///
  /// A stale unix socket file at the listen path is replaced.
  /// - Throws: `TapProxyError.listenFailed` when the address cannot be bound.
  public static func start(
    listen: Address, target: Address, listenTLS: TLS? = nil, targetTLS: TLS? = nil,
    group: (any EventLoopGroup)? = nil, onBytes: @escaping BytesHandler,
    onEvent: @escaping EventHandler = { _ in }
  ) async throws -> TapProxy {
    let table = ConnectionTable()
    let bootstrap = serverBootstrap(
      group: group, target: target, listenTLS: listenTLS, targetTLS: targetTLS, table: table, onBytes: onBytes,
      onEvent: onEvent)
    let channel: any Channel
    do {
      switch listen {
      case .tcp(let host, let port):
        channel = try await bootstrap.bind(host: host, port: port).get()
      case .unix(let path):
        channel = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
      }
    } catch {
      throw TapProxyError.listenFailed(address: listen.description, reason: "\(error)")
    }
    let actual: Address
    switch listen {
    case .tcp(let host, let port):
      actual = .tcp(host: host, port: channel.localAddress?.port ?? port)
    case .unix:
      actual = listen
    }
    return TapProxy(listeningAddress: actual, target: target, serverChannel: channel, table: table)
  }

  /// Relays connections accepted on a socket that is already bound and listening (`address`
  /// describes it); the proxy takes the descriptor over and closes it. Removes no socket file.
  public static func start(
    listeningSocketDescriptor descriptor: Int32, address: Address, target: Address, listenTLS: TLS? = nil,
    targetTLS: TLS? = nil, group: (any EventLoopGroup)? = nil, onBytes: @escaping BytesHandler,
    onEvent: @escaping EventHandler = { _ in }
  ) async throws -> TapProxy {
    let table = ConnectionTable()
    let bootstrap = serverBootstrap(
      group: group, target: target, listenTLS: listenTLS, targetTLS: targetTLS, table: table, onBytes: onBytes,
      onEvent: onEvent)
    let channel: any Channel
    do {
      channel = try await bootstrap.withBoundSocket(descriptor).get()
    } catch {
      throw TapProxyError.listenFailed(address: address.description, reason: "\(error)")
    }
    return TapProxy(
      listeningAddress: address, target: target, serverChannel: channel, table: table, ownsSocketFile: false)
  }

  private static func serverBootstrap(
    group: (any EventLoopGroup)?, target: Address, listenTLS: TLS?, targetTLS: TLS?, table: ConnectionTable,
    onBytes: @escaping BytesHandler, onEvent: @escaping EventHandler
  ) -> ServerBootstrap {
    ServerBootstrap(group: group ?? MultiThreadedEventLoopGroup.singleton)
      .serverChannelOption(.backlog, value: 256)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.allowRemoteHalfClosure, value: true)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          if let listenTLS {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: listenTLS.context))
          }
          try RelayConnection.start(
            hostChannel: channel, target: target, targetTLS: targetTLS, table: table, onBytes: onBytes, onEvent: onEvent
          )
        }
      }
  }

  /// Stops listening and closes every relayed connection; removes a unix socket file.
  public func close() async {
    let channels = table.beginClosing()
    try? await serverChannel.close()
    for channel in channels {
      try? await channel.close()
    }
    if ownsSocketFile, case .unix(let path) = listeningAddress {
      try? FileManager.default.removeItem(atPath: path)
    }
  }

  /// Number of connections currently relayed.
  public var activeConnectionCount: Int { table.activeCount }

  /// Connections relayed at once before more are refused: a host needs a handful, and each
  /// holds decoder state (issue #17 item 6).
  public static let defaultConnectionLimit = 64
}
