import GRPCCore
import GRPCNIOTransportHTTP2

/// A gRPC connection from a host to a plugin, with go-plugin's service clients on top.
///
/// Dials the address of a handshake line the way a go-plugin host does: plaintext, no
/// message size limit worth speaking of (go-plugin uses MaxInt32), `:authority` `localhost`
/// on unix sockets (docs/protocol.md §3). The plugin's PINGs are answered below the HTTP/2 handler
/// (`PingAnswerHandler`), so grpc-go's per-call PINGs cannot trip swift-nio-http2's
/// control-frame limit (docs/swift-stack.md §3). The connection's I/O and its calls run on one
/// thread (`EventLoopExecutor`), so a call does not hop between threads.
public final class PluginConnection: Sendable {
  /// The underlying client, for generated stubs of other services.
  public let client: GRPCClient<HTTP2ClientTransport.Posix>
  /// The thread the connection's I/O and its calls run on (docs/swift-stack.md §4).
  public let executor: EventLoopExecutor
  /// What the connection has seen of the plugin (for naming the state when a call gets no answer).
  public let traffic = ConnectionTraffic()
  private let connections: Task<Void, Never>

  /// Connects to the address a plugin announced.
  public convenience init(line: HandshakeLine) throws {
    try self.init(network: line.network, address: line.address)
  }

  /// Connects to `address` over `network`; fails only when the address cannot be a target.
  public init(network: HandshakeLine.Network, address: String, executor: EventLoopExecutor = .shared) throws {
    let traffic = self.traffic
    let transport = try HTTP2ClientTransport.Posix(
      target: try PluginConnection.target(network: network, address: address),
      transportSecurity: .plaintext,
      config: .defaults {
        $0.http2.authority = network == .unix ? "localhost" : nil
        // One call at a time is the usual host: flushing at once beats waiting to batch writes.
        $0.connection.flushCoalescing = nil
        // grpc-go PINGs with nearly every call; answered below the HTTP/2 handler, they never trip
        // swift-nio-http2's limit of 200 control frames in 30 s (docs/swift-stack.md §3).
        $0.channelDebuggingCallbacks.onCreateTCPConnection = {
          PingAnswerHandler.install(in: $0, afterClientPreface: false, traffic: traffic)
        }
      },
      serviceConfig: PluginConnection.serviceConfig, eventLoopGroup: executor.group)
    let client = GRPCClient(transport: transport)
    self.client = client
    self.executor = executor
    self.connections = Task(executorPreference: executor) { try? await client.runConnections() }
  }

  /// The KV service client.
  public var kv: KVClient<HTTP2ClientTransport.Posix> { KVClient(client: client, executor: executor) }

  /// The health service client.
  public var health: HealthClient<HTTP2ClientTransport.Posix> { HealthClient(client: client, executor: executor) }

  /// Asks the plugin to exit (`plugin.GRPCController/Shutdown`).
  ///
  /// A Go plugin stops its server before replying, so the call fails with `UNAVAILABLE`
  /// although the plugin is exiting; that is reported as success (docs/swift-stack.md §2).
  public func shutdownPlugin(timeout: Duration? = nil) async throws {
    let controller = Plugin_GRPCController.Client(wrapping: client)
    var options = CallOptions.defaults
    options.timeout = timeout
    do {
      _ = try await RPCDeadline.run(timeout, on: executor) { [options] in
        try await controller.shutdown(Plugin_Empty(), options: options)
      }
    } catch let error as RPCError where error.code == .unavailable {
      return
    }
  }

  /// Closes the connection: in-flight calls get `grace` to finish, then the connection is torn
  /// down (a call the plugin never answers cannot hold the close up).
  public func close(grace: Duration = .seconds(1)) async {
    client.beginGracefulShutdown()
    let connections = self.connections
    let timer = Task {
      try? await Task.sleep(for: grace)
      if !Task.isCancelled { connections.cancel() }
    }
    await connections.value
    timer.cancel()
  }

  /// `error` with the connection's state named when the plugin never spoke HTTP/2: a call that
  /// timed out or found no connection says whether plugin-dev connected and whether any byte came.
  public func explain(_ error: RPCError, after timeout: Duration) -> RPCError {
    guard error.code == .deadlineExceeded || error.code == .unavailable, let state = traffic.silence(after: timeout)
    else { return error }
    return RPCError(code: error.code, message: "\(error.message) — \(state)")
  }

  /// The resolvable target for a plugin address.
  public static func target(network: HandshakeLine.Network, address: String) throws -> any ResolvableTarget {
    switch network {
    case .unix:
      return .unixDomainSocket(path: address, authority: "localhost")
    case .tcp:
      guard let tcp = TCPAddress(address) else {
        throw RPCError(code: .invalidArgument, message: "'\(address)' is not host:port")
      }
      let host = tcp.dialHost
      if tcp.isBracketed, !tcp.host.isEmpty { return .ipv6(address: host, port: tcp.port) }
      if host.split(separator: ".").count == 4, host.allSatisfy({ $0.isNumber || $0 == "." }) {
        return .ipv4(address: host, port: tcp.port)
      }
      return .dns(host: host, port: tcp.port)
    }
  }

  /// The largest `plugin.GRPCStdio` message read (16 MiB); a larger one ends the stream.
  public static let maxStdioMessageBytes = 16 << 20

  /// Lifts the message size limits to go-plugin's (MaxInt32) but for stdio. No retry policy:
  /// grpc-swift's retry machinery cost 60–150 µs a call (`plugin-dev-bench client`, 2026-12-01),
  /// and the connection loss it was there for (grpc-go's PINGs tripping swift-nio-http2's limit)
  /// cannot happen since `PingAnswerHandler` answers them.
  static let serviceConfig: ServiceConfig = {
    // Stdio is the plugin's output, of any size: one message is held at once, so it is bounded.
    // (grpc-swift-nio-transport 2.9 limits what a client *receives* by maxRequestMessageBytes.)
    let stdio = MethodConfig(
      names: [MethodConfig.Name(service: "plugin.GRPCStdio")],
      maxRequestMessageBytes: maxStdioMessageBytes, maxResponseMessageBytes: maxStdioMessageBytes)
    let everything = MethodConfig(
      names: [MethodConfig.Name(service: "")],
      maxRequestMessageBytes: Int(Int32.max), maxResponseMessageBytes: Int(Int32.max))
    return ServiceConfig(methodConfig: [stdio, everything])
  }()
}
