import AutoMTLS
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import NIOPosix
import Relay

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Serves a plugin written in Swift exactly as go-plugin's `plugin.Serve` serves a Go plugin.
///
/// In order (docs/protocol.md §2.1): check the magic cookie (go-plugin's message and exit 1 without
/// it), negotiate the app version from `PLUGIN_PROTOCOL_VERSIONS`, listen (unix socket in a
/// private directory, or 127.0.0.1 inside `PLUGIN_MIN_PORT…PLUGIN_MAX_PORT`), serve the app's
/// services plus health (`"plugin"` = SERVING), `plugin.GRPCController`, `plugin.GRPCStdio`
/// and `plugin.GRPCBroker`, then print the handshake line with one unbuffered write.
/// When the host sends `PLUGIN_CLIENT_CERT` (AutoMTLS), the plugin makes its own P-521 certificate
/// like go-plugin, serves mutual TLS that trusts only the host's certificate, and prints its
/// certificate in field 6 (docs/protocol.md §9).
/// SIGINT is ignored (the host owns the lifecycle); SIGTERM and `Shutdown` stop gracefully.
public struct PluginServer: Sendable {
  /// How the plugin listens.
  public enum Network: String, Sendable, Equatable, CaseIterable {
    /// A unix socket (what Go plugins use outside Windows).
    case unix
    /// TCP on 127.0.0.1 within the host's port range.
    case tcp
  }

  /// What the plugin supports.
  public struct Configuration: Sendable {
    /// App versions the plugin supports and the cookie it expects.
    public var handshake: HandshakeConfig
    /// Where to listen.
    public var network: Network
    /// Name used as the hclog `@module` of the server's own log lines.
    public var name: String
    /// The thread that runs the connection's I/O and the handlers, so a call costs no thread hop
    /// (`EventLoopExecutor`). A handler that blocks (synchronous I/O, long computations) stalls
    /// the connection meanwhile: move such work off it, or set nil to run handlers on Swift's
    /// shared pool and I/O on NIO's threads, at the cost of thread hops per call.
    public var executor: EventLoopExecutor?

    /// Creates a configuration.
    public init(
      handshake: HandshakeConfig = .kvExample, network: Network = .unix, name: String = "plugin",
      executor: EventLoopExecutor? = .shared
    ) {
      self.handshake = handshake
      self.network = network
      self.name = name
      self.executor = executor
    }
  }

  /// The configuration served.
  public let configuration: Configuration
  /// The environment read (normally the process environment).
  public let environment: PluginEnvironment
  /// Fires when the plugin should stop; `Shutdown` and SIGTERM fire it.
  public let shutdown = ShutdownSignal()
  /// The health service; change its status with `health.setStatus`.
  public let health: HealthService
  /// The stdio service; `stdio.send` forwards bytes to the host.
  public let stdio: StdioService
  private let logger: Logger

  /// Creates a server for `configuration`, reading `environment` (default: this process's).
  public init(
    configuration: Configuration = .init(),
    environment: [String: String] = ProcessInfo.processInfo.environment,
    logger: Logger? = nil
  ) {
    self.configuration = configuration
    self.environment = PluginEnvironment(reading: environment)
    self.health = HealthService(status: .serving, signal: shutdown)
    self.stdio = StdioService(signal: shutdown)
    self.logger = logger ?? Logger(label: configuration.name, factory: { HCLogHandler(label: $0) })
  }

  /// Serves until `Shutdown`, SIGTERM or `shutdown.trigger`; returns the negotiated version.
  ///
  /// - Parameter services: the app's services for the negotiated app protocol version.
  @discardableResult
  public func serve(
    services: @Sendable (_ negotiatedVersion: Int) -> [any RegistrableRPCService]
  ) async throws(PluginServerError) -> Int {
    do {
      try environment.checkCookie(configuration.handshake)
    } catch {
      throw .environment(error)
    }
    let (version, invalid) = environment.negotiateVersion(supported: configuration.handshake.protocolVersions)
    for message in invalid { FileHandleBox(fd: STDERR_FILENO).write(message + "\n") }
    if !environment.offeredVersions().versions.contains(version) {
      logger.warning(
        "no app protocol version in common with the host; answering the lowest supported",
        metadata: [
          "supported": "\(configuration.handshake.protocolVersions)",
          "offered": "\(environment[PluginEnvironment.Key.protocolVersions] ?? "")",
        ])
    }
    var tls: (identity: AutoMTLSIdentity, context: TapProxy.TLS)?
    if let pem = environment[PluginEnvironment.Key.clientCert], !pem.isEmpty {
      do {
        let identity = try AutoMTLSIdentity.generate()
        tls = (
          identity,
          TapProxy.TLS(context: try AutoMTLSContext.server(identity: identity, trustingClientCertificatePEM: pem))
        )
      } catch {
        // go-plugin logs the same line; it then serves TLS that no host can complete, so stop here instead.
        logger.error("client cert provided but failed to parse", metadata: ["error": "\(error)"])
        throw .server(
          "PLUGIN_CLIENT_CERT is not a PEM certificate (\(error)); a go-plugin host puts its AutoMTLS certificate there"
        )
      }
    }

    let listener: PluginListener
    do {
      switch configuration.network {
      case .tcp:
        let range: ClosedRange<Int>
        do { range = try environment.portRange() } catch { throw PluginServerError.environment(error) }
        listener = try PluginListener.tcp(ports: range)
      case .unix:
        listener = try PluginListener.unix(
          directory: environment[PluginEnvironment.Key.unixSocketDir],
          group: environment[PluginEnvironment.Key.unixSocketGroup])
      }
    } catch let error as PluginServerError {
      logger.error("plugin init error", metadata: ["error": "\(error.description)"])
      throw error
    } catch {
      throw .server("\(error)")
    }
    defer { listener.cleanUp() }

    // AutoMTLS: TLS ends in a relay on the announced socket, which forwards to the gRPC server
    // on a private unix socket (BoringSSL must be told to accept the host's P-521 signatures,
    // which grpc-swift's TLS settings cannot do).
    var relay: TapProxy?
    var internalListener: PluginListener?
    if let tls {
      do {
        let inner = try PluginListener.unix(directory: nil, group: nil)
        internalListener = inner
        relay = try await TapProxy.start(
          listeningSocketDescriptor: listener.fileDescriptor,
          address: TapProxy.Address(network: listener.network, address: listener.address),
          target: .unix(path: inner.address), listenTLS: tls.context, onBytes: { _, _, _ in })
      } catch {
        internalListener?.cleanUp()
        logger.error("plugin init error", metadata: ["error": "\(error)"])
        throw .server("could not start the AutoMTLS listener: \(error)")
      }
    }
    defer { internalListener?.cleanUp() }

    let executor = configuration.executor
    let transport = HTTP2ServerTransport.Posix(
      listeningSocketDescriptor: Int((internalListener ?? listener).fileDescriptor),
      transportSecurity: .plaintext,
      config: .defaults {
        $0.rpc.maxRequestPayloadSize = Int(Int32.max)
        // A host makes one call at a time: flushing at once beats waiting to batch writes.
        $0.connection.flushCoalescing = nil
        // A Go host PINGs with nearly every call; answered here, they never make swift-nio-http2
        // send the host a GOAWAY (ENHANCE_YOUR_CALM) after 200 in 30 s (docs/swift-stack.md §3).
        $0.channelDebuggingCallbacks.onAcceptTCPConnection = {
          PingAnswerHandler.install(in: $0, afterClientPreface: true)
        }
      }, eventLoopGroup: executor?.group ?? .singletonMultiThreadedEventLoopGroup)
    let allServices: [any RegistrableRPCService] =
      [health, ControllerService(signal: shutdown), stdio, BrokerService(signal: shutdown)] + services(version)
    let server = GRPCServer(transport: transport, services: allServices)

    let previousInterrupt = signal(SIGINT, SIG_IGN)
    signal(SIGTERM, SIG_IGN)
    let terminate = DispatchSource.makeSignalSource(signal: SIGTERM)
    let interrupt = DispatchSource.makeSignalSource(signal: SIGINT)
    terminate.setEventHandler { [shutdown] in shutdown.trigger(reason: "SIGTERM") }
    interrupt.setEventHandler { [logger] in logger.trace("plugin received interrupt signal, ignoring") }
    terminate.resume()
    interrupt.resume()
    defer {
      terminate.cancel()
      interrupt.cancel()
      signal(SIGTERM, SIG_DFL)
      signal(SIGINT, previousInterrupt)
    }

    do {
      // The handlers run on the transport's one thread (EventLoopExecutor): no thread hop per call.
      try await withTaskExecutorPreference(executor) {
        try await withThrowingTaskGroup(of: Void.self) { group in
          group.addTask { try await server.serve() }
          _ = try await transport.listeningAddress
          let line = HandshakeLine(
            appVersion: version, network: listener.network, address: listener.address, protocolName: "grpc",
            serverCertificate: tls?.identity.handshakeField ?? "",
            multiplex: environment.multiplexRequested ? "false" : nil)
          logger.debug(
            "plugin address", metadata: ["network": "\(listener.network.rawValue)", "address": "\(listener.address)"])
          FileHandleBox(fd: STDOUT_FILENO).write(line.formatted + "\n")
          await shutdown.wait()
          logger.debug("plugin shutting down", metadata: ["reason": "\(shutdown.reason ?? "cancelled")"])
          server.beginGracefulShutdown()
          try await group.waitForAll()
          await relay?.close()
        }
      }
    } catch {
      await relay?.close()
      logger.error("plugin server error", metadata: ["error": "\(error)"])
      throw .server("\(error)")
    }
    return version
  }

  /// Serves and then exits the process: 0 after a clean stop, 1 (with the reason on stderr) otherwise.
  ///
  /// The cookie message is written as plain text, as go-plugin does; other failures were
  /// already logged as hclog JSON by `serve`.
  public func serveAndExit(
    services: @Sendable (_ negotiatedVersion: Int) -> [any RegistrableRPCService]
  ) async -> Never {
    do {
      try await serve(services: services)
      exit(0)
    } catch {
      if case .environment(let environmentError) = error,
        environmentError == .cookieMismatch || environmentError == .misconfiguredCookie
      {
        FileHandleBox(fd: STDERR_FILENO).write(error.description)
      } else if case .environment = error {
        logger.error("plugin init error", metadata: ["error": "\(error.description)"])
      }
      exit(error.exitCode)
    }
  }
}
