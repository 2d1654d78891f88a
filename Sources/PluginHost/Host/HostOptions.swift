import PluginProtocol

/// How the host core starts and watches its plugin, as a go-plugin host's `ClientConfig` does; each
/// field is a `plugin-dev run` option (`check` and `wrap` use some of them too).
public struct HostOptions: Sendable, Equatable {
  /// go-plugin's `StartTimeout` (default 60 s).
  public var handshakeTimeout: Duration = .seconds(60)
  /// Interval between health checks; nil turns them off.
  public var healthInterval: Duration? = .seconds(1)
  /// With no `healthInterval`: check health once after connecting (`act(as:)` sets it for a host
  /// that never checks health).
  public var healthOnce = false
  /// How long a console call (`get`, `put`, `call`) may take before it fails with DEADLINE_EXCEEDED;
  /// nil: no deadline (a handler held at a debugger's breakpoint).
  public var callTimeout: Duration? = .seconds(15)
  /// Whether to send the magic cookie (turn off to test the plugin's cookie check).
  public var sendCookie = true
  /// A different cookie value to send.
  public var cookieValue: String?
  /// The magic cookie's variable instead of the manifest's (`--cookie KEY=VALUE`); nil: the manifest's.
  public var cookieKey: String?

  /// `target`'s handshake with the cookie given on the command line, if any.
  public func handshake(of target: PluginTarget) -> HandshakeConfig {
    var config = target.handshake
    if let cookieKey { config.magicCookieKey = cookieKey }
    if let cookieValue { config.magicCookieValue = cookieValue }
    return config
  }
  /// App versions to offer instead of the target's.
  public var protocolVersions: [Int]?
  /// `PLUGIN_MIN_PORT`…`PLUGIN_MAX_PORT`.
  public var portRange: ClosedRange<Int> = PluginEnvironment.defaultPortRange
  /// Like a host with `UnixSocketConfig.TempDir` (and a `RunnerFunc`, the only case where
  /// go-plugin sends the folder): each start gets a fresh folder made inside this one, named in
  /// `PLUGIN_UNIX_SOCKET_DIR` and removed when the plugin ends.
  public var unixSocketBaseDirectory: String?
  /// Like a host with `UnixSocketConfig.Group`: `PLUGIN_UNIX_SOCKET_GROUP` (a name or gid); the
  /// folder made for `unixSocketBaseDirectory` is given to the group (0770), as go-plugin does.
  public var unixSocketGroup: String?
  /// `run --attach`: connect to this already running plugin instead of starting one; no
  /// build, no process control (stop sends Shutdown only and never kills).
  public var attach: AttachTarget?
  /// Like a host with `SkipHostEnv`: the plugin does not inherit plugin-dev's environment, only
  /// the target's variables, `extraEnvironment` and the go-plugin variables.
  public var skipHostEnvironment = false
  /// More variables for the plugin.
  public var extraEnvironment: [String: String] = [:]
  /// Inherited variables to remove.
  public var removedEnvironment: [String] = []
  /// Run the target's build step first.
  public var runBuild = true
  /// Route plugin-dev's own gRPC calls through the decoding relay.
  public var tap = true
  /// Open `plugin.GRPCBroker/StartStream` and `plugin.GRPCStdio/StreamStdio` right after connecting, as a
  /// go-plugin host does.
  public var actLikeGoHost = true
  /// Write the relay's traffic as pcapng to this file as it comes (`run --pcap`; needs `tap`).
  public var pcapPath: String?
  /// Most bytes of pcapng kept in memory for the console's `export FILE.pcapng`; later traffic is
  /// not kept (the export says so).
  public var captureMemoryLimit = 32 << 20
  /// Act like a go-plugin host with `AutoMTLS: true`: send `PLUGIN_CLIENT_CERT` (a P-521 certificate
  /// made for the session) and talk mutual TLS to the plugin. The relay does the TLS, so the
  /// frame log shows the decrypted HTTP/2.
  public var autoMTLS = false
  /// Remove `PYTHONUNBUFFERED` from the plugin's environment (unless `extraEnvironment` sets it):
  /// a user's go-plugin host rarely has it, and with it a Python plugin that forgets to flush its
  /// handshake works here and hangs there (docs/protocol.md §10.2). `run` and `check` agree on this.
  public var unsetPythonUnbuffered = true
  /// Longest stderr/stdout line before it is split (go-plugin: 64 KiB).
  public var maxLineLength = 64 * 1024

  /// `PYTHONUNBUFFERED` when it is to be removed from a plugin environment that sets `variables`
  /// (the rule `run` and `check` share), else nil.
  public func pythonUnbufferedToRemove(given variables: [String: String]) -> String? {
    unsetPythonUnbuffered && variables["PYTHONUNBUFFERED"] == nil ? "PYTHONUNBUFFERED" : nil
  }

  /// `run --serve`: the relay also listens for a real host (a second unix socket, printed as a
  /// reattach config once the plugin is connected), and keeps the plugin up for it. Needs `tap`.
  public var serve = false
  /// `run --serve --provider-address`: the provider's address in Terraform's reattach line.
  public var providerAddress: String?

  /// The real host this start acts as (`--host`, or plugin.json's `"host"`); nil: a generic
  /// go-plugin host.
  public var profile: HostProfile?

  /// Acts as `profile`'s host: its cookie, the versions it offers, AutoMTLS, its variables, and
  /// no health loop when the host never checks health. Options set afterwards (the command
  /// line's) win over the profile's.
  public mutating func act(as profile: HostProfile) {
    self.profile = profile
    cookieKey = profile.cookie.key
    cookieValue = profile.cookie.value
    protocolVersions = profile.protocolVersions
    autoMTLS = profile.autoMTLS
    if !profile.healthChecks {
      healthInterval = nil
      healthOnce = true
    }
    extraEnvironment.merge(profile.environment) { mine, _ in mine }
  }

  /// Default options (what a go-plugin host does).
  public init() {}
}
