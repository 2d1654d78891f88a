import PluginHost

/// One check of `plugin-dev check`, named by a stable id (`handshake.present`, `kv.roundtrip`, …).
///
/// The cases are in the order the checks are reported. Every check follows from a fact of
/// docs/protocol.md §12 ("What plugin-dev checks, and why"); `summary` says what it looks at.
public enum CheckID: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
  /// A handshake line arrived on stdout within the timeout (§1.3, §1.6).
  case handshakePresent = "handshake.present"
  /// Nothing was printed on stdout before the handshake (§1.4).
  case handshakeNoJunk = "handshake.no-junk"
  /// The handshake reached the pipe while the plugin ran, not only when it stopped (§1.5).
  case handshakeFlushed = "handshake.flushed"
  /// Core version, network, address and protocol fields are what a Go host accepts (§1.1, §1.2).
  case handshakeFields = "handshake.fields"
  /// The app protocol version is one the host offered (§4).
  case handshakeVersion = "handshake.version"
  /// Field 6 (AutoMTLS certificate) appears only when the host sent `PLUGIN_CLIENT_CERT` (§9.3).
  case handshakeCert = "handshake.cert"
  /// A unix socket path fits the OS limit (§3).
  case handshakeSocketPath = "handshake.socket-path"
  /// Something accepts connections at the announced address (§3, §10.2).
  case handshakeReachable = "handshake.reachable"
  /// A tcp plugin listens inside `PLUGIN_MIN_PORT`..`PLUGIN_MAX_PORT` (§2.1).
  case portRange = "port.range"
  /// `grpc.health.v1.Health/Check("plugin")` answers SERVING (§5.1).
  case healthServing = "health.serving"
  /// `plugin.GRPCStdio/StreamStdio` is served (a host only logs its absence: warning at most; §5.2).
  case stdioStream = "stdio.stream"
  /// `plugin.GRPCBroker/StartStream` is served and stays open (only a host that uses the broker
  /// needs it: skipped when absent, failed under such a `--host`; §5.7).
  case brokerStream = "broker.stream"
  /// gRPC server reflection is available (optional: a warning at most; §5.5).
  case reflection = "reflection"
  /// Every service reflection lists has descriptors that resolve: no missing file or type (§5.5).
  case reflectionDescriptors = "reflection.descriptors"
  /// For KV plugins: put then get returns the same bytes (text, empty, all 256 byte values, 1 MiB; §11).
  case kvRoundTrip = "kv.roundtrip"
  /// `plugin.GRPCController/Shutdown` is served and answers (§5.3, §6).
  case controllerShutdown = "controller.shutdown"
  /// The plugin exits within 2 s of Shutdown, before a Go host would SIGKILL it (§6).
  case shutdownExit = "shutdown.exit"
  /// No process the plugin started outlives it (§6).
  case shutdownNoChildren = "shutdown.no-children"
  /// stderr JSON lines are hclog lines a Go host parses (§7.2).
  case stderrHCLog = "stderr.hclog"
  /// No stderr line is longer than the 64 KiB a Go host reads at once (§7.1).
  case stderrLineLength = "stderr.line-length"
  /// Nothing is printed on stdout after the handshake (a Go host drops it; warning at most; §1.4).
  case stdoutAfterHandshake = "stdout.after-handshake"
  /// Started without the magic cookie, the plugin refuses to run (§2.1).
  case cookieRefused = "cookie.refused"
  /// Offered only versions it does not support, the plugin answers its lowest version or refuses (§2.1, §4).
  case negotiationUnsupportedVersion = "negotiation.unsupported-version"
  /// Started with `PLUGIN_CLIENT_CERT`, the plugin serves mutual TLS with its certificate in field 6 (§9).
  case autoMTLS = "tls.auto-mtls"

  /// One line on what the check looks at (for help text and documentation).
  public var summary: String {
    switch self {
    case .handshakePresent: return "a handshake line on stdout within the timeout"
    case .handshakeNoJunk: return "nothing on stdout before the handshake"
    case .handshakeFlushed: return "the handshake is flushed when printed, not only at exit"
    case .handshakeFields: return "core version 1, tcp/unix, a valid address, protocol grpc"
    case .handshakeVersion: return "the app version is one of PLUGIN_PROTOCOL_VERSIONS"
    case .handshakeCert: return "no certificate field unless PLUGIN_CLIENT_CERT was sent"
    case .handshakeSocketPath: return "the unix socket path fits the OS limit"
    case .handshakeReachable: return "the announced address accepts connections"
    case .portRange: return "a tcp plugin listens within PLUGIN_MIN_PORT..PLUGIN_MAX_PORT"
    case .healthServing: return "health service \"plugin\" is SERVING"
    case .stdioStream: return "plugin.GRPCStdio/StreamStdio is served (a host only logs its absence)"
    case .brokerStream: return "plugin.GRPCBroker/StartStream is served and stays open (for hosts that use the broker)"
    case .reflection: return "gRPC server reflection (optional)"
    case .reflectionDescriptors: return "each service reflection lists resolves: every file and type it needs is served"
    case .kvRoundTrip: return "KV put/get returns the same bytes (text, empty, 0x00–0xff, 1 MiB)"
    case .controllerShutdown: return "plugin.GRPCController/Shutdown is served"
    case .shutdownExit: return "exits within 2 s of Shutdown"
    case .shutdownNoChildren: return "no process of the plugin outlives it"
    case .stderrHCLog: return "stderr JSON lines are valid hclog (levels, timestamps, string types)"
    case .stderrLineLength: return "no stderr line over 64 KiB"
    case .stdoutAfterHandshake: return "nothing on stdout after the handshake"
    case .cookieRefused: return "without the magic cookie the plugin exits without a handshake"
    case .negotiationUnsupportedVersion: return "offered unsupported versions it answers its lowest or refuses"
    case .autoMTLS:
      return "given PLUGIN_CLIENT_CERT it serves mutual TLS with a P-521 host certificate (ignoring it warns)"
    }
  }

  /// Whether the check can fail; the others warn at most.
  public var canFail: Bool {
    self != .reflection && self != .reflectionDescriptors && self != .stdoutAfterHandshake && self != .stdioStream
      && self != .cookieRefused && self != .brokerStream
  }
}
