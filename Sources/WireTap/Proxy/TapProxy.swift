import Foundation
import NIOCore
import NIOPosix

/// A byte relay between the host and a plugin that reports every chunk it forwards.
///
/// Each accepted connection dials the target on the same event loop, then bytes are
/// forwarded unchanged and in order both ways; half-closes and closes are propagated.
/// A side is only read while the other side can take more bytes (no unbounded buffering).
/// `onBytes` is called on the event loop *before* the chunk is forwarded, so it must only
/// enqueue (decode elsewhere); per connection, calls are serialised and causally ordered.
/// This is the only I/O in WireTap; it uses NIO's singleton `MultiThreadedEventLoopGroup`.
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

    /// The connection id the event is about.
    public var connectionID: Int {
      switch self {
      case .opened(let id), .closed(let id), .failed(let id, _): id
      }
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

  private init(listeningAddress: Address, target: Address, serverChannel: any Channel, table: ConnectionTable) {
    self.listeningAddress = listeningAddress
    self.target = target
    self.serverChannel = serverChannel
    self.table = table
  }

  /// Starts listening; each accepted connection is relayed to `target`.
  ///
  /// A stale unix socket file at the listen path is replaced.
  /// - Throws: `TapProxyError.listenFailed` when the address cannot be bound.
  public static func start(
    listen: Address, target: Address,
    onBytes: @escaping BytesHandler,
    onEvent: @escaping EventHandler = { _ in }
  ) async throws -> TapProxy {
    let table = ConnectionTable()
    let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .serverChannelOption(.backlog, value: 256)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.allowRemoteHalfClosure, value: true)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try RelayConnection.start(
            hostChannel: channel, target: target, table: table, onBytes: onBytes, onEvent: onEvent)
        }
      }
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

  /// Stops listening and closes every relayed connection; removes a unix socket file.
  public func close() async {
    let channels = table.beginClosing()
    try? await serverChannel.close()
    for channel in channels {
      try? await channel.close()
    }
    if case .unix(let path) = listeningAddress {
      try? FileManager.default.removeItem(atPath: path)
    }
  }

  /// Number of connections currently relayed.
  public var activeConnectionCount: Int { table.activeCount }
}
