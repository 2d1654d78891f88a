import AutoMTLS
import Capture
import Foundation
import PluginHost
import PluginProtocol
import PluginSession
import Relay
import WireTap

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `plugin-dev wrap`: stands where a real go-plugin host expects the plugin's command, starts
/// the plugin with the host's environment, and puts a decoding relay between them.
///
/// The host sees the plugin's own handshake with the address pointing at the relay, the plugin's
/// stderr and later stdout copied line by line, and its exit status. Before a handshake the
/// plugin's output goes to the host unchanged, so the host reports its usual error; wrap adds
/// its diagnosis as an hclog line on stderr. Under AutoMTLS wrap ends TLS on both sides (its own
/// certificate towards the host and towards the plugin), so the log shows decrypted frames.
public actor Wrapper {
  /// What to start.
  public let executable: String
  /// Its arguments.
  public let arguments: [String]
  private let log: SessionRecorder?
  /// Where the plugin's output and wrap's notes go (the host reads them).
  private let output: WrapOutput
  /// The host wrap runs under (`wrap --host`), named in the log and checked against the environment.
  private let profile: HostProfile?
  private let capture: TrafficCapture?
  private let environment: [String: String]
  private var relay: TapProxy?
  private var listener: PluginListener?
  private var process: PluginProcess?
  private var handshakeSeen = false
  private var traffic: RelayTraffic?
  private let frames = LockedValue(0)
  private var stderrParser = LogLineParser()
  private var startedAt = ContinuousClock.now
  private var signalled = false
  /// The plugin's last stderr lines before its handshake: they explain an early exit.
  private var stderrTail: [String] = []
  /// How long wrap waits for a handshake line before it notes that none came (a host waits for
  /// its start timeout, then kills wrap with no chance to say anything).
  static let lateHandshake: Duration = .seconds(5)

  /// A wrapper for `executable arguments`, logging to `log` and recording pcapng to `pcapPath`,
  /// under the host environment `environment`, passing the plugin's output on to `output`.
  public init(
    executable: String, arguments: [String], log: SessionRecorder?, pcapPath: String? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment, output: WrapOutput,
    profile: HostProfile? = nil
  ) {
    self.output = output
    self.profile = profile
    self.executable = executable
    self.arguments = arguments
    self.log = log
    capture = pcapPath.map { TrafficCapture(pcapPath: $0, memoryLimit: 0) }
    self.environment = environment
  }

  /// Runs the plugin until it exits; returns how it ended (`exited(1)` when it could not be
  /// started); the CLI ends like it.
  public func run() async -> PluginProcess.ExitStatus {
    // A host that went away leaves broken pipes: writes then fail instead of killing wrap.
    signal(SIGPIPE, SIG_IGN)
    if let profile, environment[profile.cookie.key] != profile.cookie.value {
      note(
        "the host did not send \(profile.name)'s cookie (\(profile.cookie.key)); is wrap under \(profile.name)? "
          + "(--host \(profile.name) only names the host in the log)")
    }
    var overrides: [String: String] = [:]
    var removed: [String] = []
    if environment[PluginEnvironment.Key.multiplexGRPC] != nil {
      // Without yamux decoding the relay cannot follow a multiplexed connection: the plugin
      // answers without multiplexing, which a host accepts unless it requires it.
      removed.append(PluginEnvironment.Key.multiplexGRPC)
      note(
        "PLUGIN_MULTIPLEX_GRPC removed from the plugin's environment: wrap relays one gRPC connection per host connection"
      )
    }
    var identity: AutoMTLSIdentity?
    let hostCertificate = environment[PluginEnvironment.Key.clientCert].flatMap { $0.isEmpty ? nil : $0 }
    if hostCertificate != nil {
      do {
        identity = try AutoMTLSIdentity.generate()
        overrides[PluginEnvironment.Key.clientCert] = identity?.certificatePEM
      } catch {
        note("could not make wrap's AutoMTLS certificate (\(error)); passing the host's certificate through")
      }
    }
    let process: PluginProcess
    do {
      process = try await PluginProcess.start(
        .init(executable: executable, arguments: arguments, environment: overrides, removedEnvironment: removed))
    } catch {
      note("could not start the plugin: \(error.description)", level: "error")
      return .exited(1)
    }
    self.process = process
    startedAt = process.startedAt
    log?.record(.started(startInfo(pid: process.pid, overrides: overrides, removed: removed)))
    let signals = SignalRelay(signals: [SIGINT, SIGTERM, SIGHUP]) { [weak self] signal in
      process.signalGroup(signal)
      Task { await self?.markSignalled() }
    }
    HostWatch.start { [weak self] in Task { await self?.hostGone() } }
    let lateNote = Task { [weak self] in
      try await Task.sleep(for: Self.lateHandshake)
      await self?.noteLateHandshake()
    }
    var status: PluginProcess.ExitStatus = .exited(1)
    for await event in process.events {
      switch event {
      case .line(.stdout, let line, _):
        if handshakeSeen {
          output.stdout(line.originalBytes)
          log?.record(.strayStdout(line.text))
        } else {
          handshakeSeen = true
          await handshake(line.text, identity: identity, hostCertificate: hostCertificate)
        }
      case .line(.stderr, let line, _):
        if !handshakeSeen {
          stderrTail.append(line.text)
          if stderrTail.count > 20 { stderrTail.removeFirst() }
        }
        output.stderr(line.originalBytes)
        if log != nil {
          log?.record(.log(stderrParser.parse(line.text, isPartOfLongLine: line.continues || line.isContinuation)))
        }
      case .closed:
        break
      case .exited(let exitStatus, _):
        status = exitStatus
      }
    }
    signals.cancel()
    lateNote.cancel()
    if !handshakeSeen { failedBeforeHandshake(.exitedBeforeHandshake(status: status, stderrTail: stderrTail)) }
    // Every frame is in the log before its last line.
    await relay?.close()
    if let traffic, await !traffic.drain(within: .seconds(5)) {
      note("the relay's last traffic was not all decoded within 5 s: the log and capture end early")
    }
    capture?.relayEnded()
    if let summary = capture?.finish() {
      note(summary.description, level: summary.error == nil ? "info" : "warn")
    }
    // Expected: the host stopped it (a signal wrap forwarded, Shutdown, or the host gone), or it ended well.
    log?.record(.exited(status, expected: status.isSuccess || signalled))
    log?.record(.finished)
    listener?.cleanUp()
    log?.close()
    return status
  }

  /// The plugin's first stdout line: pointed at the relay and printed, or passed on unchanged.
  ///
  /// Its judgement is logged, and a failure written to stderr, before the host sees the line: a
  /// host that refuses it kills wrap at once.
  private func handshake(_ raw: String, identity: AutoMTLSIdentity?, hostCertificate: String?) async {
    recordHandshake(raw)
    guard let line = WrapHandshake(raw) else {
      output.printLine(raw)
      return
    }
    do {
      let listener = try self.listener(network: line.network)
      self.listener = listener
      let address = listener.address
      let target = TapProxy.Address(network: line.network == "unix" ? .unix : .tcp, address: line.address)
      var listenTLS: TapProxy.TLS?
      var targetTLS: TapProxy.TLS?
      // TLS on both sides only when the plugin answered AutoMTLS with its certificate. A plugin
      // that ignores PLUGIN_CLIENT_CERT serves plaintext: the relay does too, so the host's TLS
      // dial fails as it would without wrap (wrap must not make a broken plugin work).
      if let identity, let hostCertificate, let der = line.certificateDER {
        listenTLS = TapProxy.TLS(
          context: try AutoMTLSContext.server(identity: identity, trustingClientCertificatePEM: hostCertificate))
        targetTLS = TapProxy.TLS(
          context: try AutoMTLSContext.client(identity: identity, trustingServerCertificateDER: der),
          serverHostname: AutoMTLSContext.serverHostname)
      }
      if let capture {
        let relayed = CaptureRelay(
          host: "the go-plugin host (via wrap's \(line.network) address \(address))",
          plugin: "the plugin at \(line.network):\(line.address)",
          pluginTCPPort: line.network == "tcp" ? line.address.split(separator: ":").last.flatMap { Int($0) } : nil,
          decrypted: targetTLS != nil)
        if let notice = capture.relayStarted(relayed) { note(notice, level: "info") }
      }
      let (log, frames) = (self.log, self.frames)
      // Frames are decoded for the log only; without --log and --pcap the relay just relays.
      let traffic: RelayTraffic? =
        log == nil && capture == nil
        ? nil
        : RelayTraffic(
          capture: capture, decodes: log != nil, coalescing: .milliseconds(2), batchEnded: { log?.flush() },
          observe: { event in
            guard case .frame(var record) = event else { return }
            record.sequence = frames.withLock { count in
              count += 1
              return count
            }
            log?.record(.frame(record), deferWrite: true)
          })
      self.traffic = traffic
      relay = try await TapProxy.start(
        listeningSocketDescriptor: listener.fileDescriptor,
        address: TapProxy.Address(network: listener.network, address: address), target: target, listenTLS: listenTLS,
        targetTLS: targetTLS,
        onBytes: { connection, direction, chunk in traffic?.bytes(connection, direction, chunk) },
        onEvent: { event in traffic?.event(event) })
      let printed = line.rewritten(address: address, certificate: listenTLS == nil ? nil : identity?.handshakeField)
      output.printLine(printed)
      log?.record(
        .tapReady(local: "\(listener.network.rawValue):\(address)", plugin: "\(line.network):\(line.address)"))
      note("the host is given \(printed)", level: "debug")
    } catch {
      output.printLine(raw)
      note("could not start the relay (\(error)); the host talks to the plugin directly, unlogged")
    }
  }

  /// The host closed its end of our stdout without stopping the plugin (it crashed or forgot
  /// `Kill()`): stop the plugin as a host would, SIGTERM then SIGKILL after 2 s.
  private func hostGone() async {
    guard let process, process.exitStatus == nil else { return }
    signalled = true
    note("the host closed the plugin's stdout; stopping the plugin")
    process.signalGroup(SIGTERM)
    if await process.waitForExit(timeout: .seconds(2)) == nil { process.signalGroup(SIGKILL) }
  }

  /// Where the relay listens for the host: bound as go-plugin binds a plugin's listener (a
  /// 127.0.0.1 port from `PLUGIN_MIN_PORT` up, or a socket in `PLUGIN_UNIX_SOCKET_DIR` or a
  /// private folder, given to `PLUGIN_UNIX_SOCKET_GROUP`).
  private func listener(network: String) throws -> PluginListener {
    if network == "unix" {
      return try PluginListener.unix(
        directory: environment[PluginEnvironment.Key.unixSocketDir],
        group: environment[PluginEnvironment.Key.unixSocketGroup])
    }
    return try PluginListener.tcp(ports: try PluginEnvironment(reading: environment).portRange())
  }

  /// An hclog line on stderr (the host shows it among the plugin's logs) and a log event.
  private func note(_ text: String, level: String = "warn") {
    let line = HCLogFormat.line(level: level, message: text, module: "plugin-dev.wrap")
    if level != "debug" { output.errorLine(line) }
    log?.record(.notice("wrap: " + text))
  }

  private func markSignalled() {
    signalled = true
  }

  /// The plugin's first stdout line as `run` would judge it, in the log; a line the host refuses
  /// is also written to stderr as an hclog error.
  private func recordHandshake(_ raw: String) {
    let variables = PluginEnvironment(reading: environment)
    let expectations = HandshakeExpectations(
      offeredVersions: variables.offeredVersions().versions, allowedProtocols: ["grpc", "netrpc"],
      clientCertificateSent: environment[PluginEnvironment.Key.clientCert].map { !$0.isEmpty } ?? false)
    do {
      let line = try HandshakeLine.parse(raw, expecting: expectations)
      log?.record(
        .handshake(
          line, raw: raw, warnings: line.warnings(rawLine: raw, expecting: expectations),
          seconds: (ContinuousClock.now - startedAt).seconds))
    } catch .unrecognized(let text) {
      failedBeforeHandshake(.textBeforeHandshake(firstLine: text, handshakeLater: nil))
    } catch {
      failedBeforeHandshake(.invalid(error, line: raw))
    }
  }

  /// Logs why the start failed, then tells the host on stderr (an hclog error it shows at its
  /// default level), in that order: the host may kill wrap as soon as it reads the line.
  private func failedBeforeHandshake(_ diagnosis: HandshakeDiagnosis) {
    log?.record(.handshakeFailed(diagnosis))
    output.errorLine(WrapFailureNote.line(diagnosis, stderrTail: stderrTail))
  }

  /// No handshake line yet: say so while wrap still can (the host's start timeout ends in SIGKILL).
  private func noteLateHandshake() {
    guard !handshakeSeen, process?.exitStatus == nil else { return }
    note(
      "no handshake line after \(Int(Self.lateHandshake.seconds)) s: "
        + HandshakeDiagnosis.timeout(seconds: Self.lateHandshake.seconds).hint
        + " A go-plugin host waits for its StartTimeout (1 minute by default) and then kills the plugin.")
  }

  /// What the plugin was started with, as `run` reports it: the go-plugin variables (`PLUGIN_*`
  /// as the host set them, with wrap's changes) and how many others it inherits.
  private func startInfo(pid: Int32, overrides: [String: String], removed: [String]) -> SessionEvent.StartInfo {
    var sent = environment.filter { $0.key.hasPrefix("PLUGIN_") }
    sent.merge(overrides) { _, new in new }
    for name in removed { sent[name] = nil }
    return SessionEvent.StartInfo(
      pid: pid, command: ([executable] + arguments).joined(separator: " "), environment: sent,
      removedEnvironment: removed, workingDirectory: FileManager.default.currentDirectoryPath, startedAt: Date(),
      generation: 1, inheritedCount: environment.count - sent.count, host: profile?.name)
  }
}
