/// The environment variables a go-plugin host sets for its plugin (docs/protocol.md §2), from both sides.
///
/// Host side: `PluginEnvironment.host(…).variables` gives what to add to the child's environment.
/// Plugin side: `PluginEnvironment(reading:)` reads them back and `checkCookie`,
/// `negotiateVersion` and `portRange` apply go-plugin's `plugin.Serve` rules.
public struct PluginEnvironment: Sendable, Equatable {
  /// Variable names, exactly as go-plugin spells them.
  public enum Key {
    /// Comma-separated app protocol versions the host offers.
    public static let protocolVersions = "PLUGIN_PROTOCOL_VERSIONS"
    /// Lower bound of the TCP port range.
    public static let minPort = "PLUGIN_MIN_PORT"
    /// Upper bound of the TCP port range.
    public static let maxPort = "PLUGIN_MAX_PORT"
    /// The host's AutoMTLS certificate in PEM.
    public static let clientCert = "PLUGIN_CLIENT_CERT"
    /// Directory for the plugin's unix sockets (v1.5.1+ hosts with custom runners).
    public static let unixSocketDir = "PLUGIN_UNIX_SOCKET_DIR"
    /// Group to give the plugin's unix sockets (v1.5.0+).
    public static let unixSocketGroup = "PLUGIN_UNIX_SOCKET_GROUP"
    /// `true` when the host wants gRPC broker multiplexing (v1.6.0+).
    public static let multiplexGRPC = "PLUGIN_MULTIPLEX_GRPC"
    /// Every `PLUGIN_*` name above.
    public static let all = [
      protocolVersions, minPort, maxPort, clientCert, unixSocketDir, unixSocketGroup, multiplexGRPC,
    ]
  }

  /// go-plugin's default port range when the host sets none.
  public static let defaultPortRange = 10000...25000

  /// The raw variables (only the ones this type knows, plus the cookie).
  public private(set) var values: [String: String]

  /// Wraps raw variables, e.g. `ProcessInfo.processInfo.environment` in a plugin.
  public init(reading environment: [String: String]) {
    self.values = environment
  }

  /// The variables a go-plugin host sets, with go-plugin's defaults.
  ///
  /// Never `PLUGIN_MULTIPLEX_GRPC`: plugin-dev does not implement the yamux host side it asks for
  /// (docs/run.md, "Multiplexing"); a real host's request is still read (`multiplexRequested`).
  ///
  /// - Parameters:
  ///   - config: the host's handshake: its cookie, and the versions offered unless `protocolVersions` is set.
  ///   - includeCookie: `false` leaves the cookie out (to test a plugin's cookie check).
  ///   - cookieValue: the cookie's value instead of `config`'s.
  ///   - protocolVersions: the versions offered, written comma-separated in this order.
  ///   - portRange: `PLUGIN_MIN_PORT` and `PLUGIN_MAX_PORT`.
  ///   - clientCertificatePEM: the host's AutoMTLS certificate (`PLUGIN_CLIENT_CERT`), if any.
  ///   - unixSocketDir: `PLUGIN_UNIX_SOCKET_DIR`, if set.
  ///   - unixSocketGroup: `PLUGIN_UNIX_SOCKET_GROUP`, if set.
  public static func host(
    config: HandshakeConfig, includeCookie: Bool = true, cookieValue: String? = nil,
    protocolVersions: [Int]? = nil, portRange: ClosedRange<Int> = defaultPortRange,
    clientCertificatePEM: String? = nil, unixSocketDir: String? = nil, unixSocketGroup: String? = nil
  ) -> PluginEnvironment {
    var v: [String: String] = [:]
    if includeCookie { v[config.magicCookieKey] = cookieValue ?? config.magicCookieValue }
    v[Key.protocolVersions] = (protocolVersions ?? config.protocolVersions).map(String.init).joined(separator: ",")
    v[Key.minPort] = String(portRange.lowerBound)
    v[Key.maxPort] = String(portRange.upperBound)
    if let clientCertificatePEM { v[Key.clientCert] = clientCertificatePEM }
    if let unixSocketDir { v[Key.unixSocketDir] = unixSocketDir }
    if let unixSocketGroup { v[Key.unixSocketGroup] = unixSocketGroup }
    return PluginEnvironment(reading: v)
  }

  /// The variables to add to a child's environment (host side).
  public var variables: [String: String] { values }

  /// Whether the variable `key` is set.
  public subscript(key: String) -> String? { values[key] }

  /// The expectations a host with this environment applies to the handshake line.
  public func expectations(allowedProtocols: [String] = ["grpc"]) -> HandshakeExpectations {
    HandshakeExpectations(
      offeredVersions: offeredVersions().versions,
      allowedProtocols: allowedProtocols,
      clientCertificateSent: values[Key.clientCert] != nil,
      multiplexRequested: values[Key.multiplexGRPC] == "true")
  }

  // MARK: - Plugin side

  /// The message go-plugin's `plugin.Serve` writes to stderr (then exits 1) when the cookie is wrong.
  public static let cookieMismatchMessage = """
    This binary is a plugin. These are not meant to be executed directly.
    Please execute the program that consumes these plugins, which will
    load any plugins automatically

    """

  /// Throws `.cookieMismatch` unless the magic cookie variable has the configured value.
  public func checkCookie(_ config: HandshakeConfig) throws(PluginEnvironmentError) {
    if config.magicCookieKey.isEmpty || config.magicCookieValue.isEmpty { throw .misconfiguredCookie }
    guard values[config.magicCookieKey] == config.magicCookieValue else { throw .cookieMismatch }
  }

  /// The versions in `PLUGIN_PROTOCOL_VERSIONS`, in order, and the entries that were not integers.
  public func offeredVersions() -> (versions: [Int], invalid: [String]) {
    guard let raw = values[Key.protocolVersions], !raw.isEmpty else { return ([], []) }
    var versions: [Int] = []
    var invalid: [String] = []
    for entry in raw.split(separator: ",", omittingEmptySubsequences: false).map(String.init) {
      if case .success(let v) = GoSyntax.atoi(entry) { versions.append(v) } else { invalid.append(entry) }
    }
    return (versions, invalid)
  }

  /// go-plugin's negotiation: the highest supported version the host offered, else the lowest supported.
  ///
  /// `invalidMessages` holds go-plugin's stderr text for each bad entry
  /// (`server sent invalid plugin version "x"`).
  public func negotiateVersion(supported: [Int]) -> (version: Int, invalidMessages: [String]) {
    let (offered, invalid) = offeredVersions()
    let messages = invalid.map { "server sent invalid plugin version \(GoSyntax.goQuote($0))" }
    let common = supported.filter(offered.contains)
    let version = common.max() ?? supported.min() ?? 1
    return (version, messages)
  }

  /// The TCP port range from `PLUGIN_MIN_PORT`/`PLUGIN_MAX_PORT`; `0...0` (the OS picks) when both are unset.
  public func portRange() throws(PluginEnvironmentError) -> ClosedRange<Int> {
    func read(_ key: String) throws(PluginEnvironmentError) -> Int {
      guard let raw = values[key], !raw.isEmpty else { return 0 }
      switch GoSyntax.atoi(raw) {
      case .success(let v) where (0...65535).contains(v): return v
      case .success: throw .badPort(variable: key, value: raw, reason: "port out of range 0–65535")
      case .failure(let e): throw .badPort(variable: key, value: raw, reason: e.description)
      }
    }
    let min = try read(Key.minPort)
    let max = try read(Key.maxPort)
    guard min <= max else { throw .portRangeInverted(min: min, max: max) }
    return min...max
  }

  /// Whether the host asked for gRPC broker multiplexing.
  public var multiplexRequested: Bool { values[Key.multiplexGRPC] == "true" }
}

/// Why the plugin side of the environment is unusable; descriptions use go-plugin's wording.
public enum PluginEnvironmentError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The magic cookie is missing or wrong: the binary was not started by a host.
  case cookieMismatch
  /// The plugin was built with an empty cookie key or value.
  case misconfiguredCookie
  /// `PLUGIN_MIN_PORT` or `PLUGIN_MAX_PORT` is not a port number.
  case badPort(variable: String, value: String, reason: String)
  /// `PLUGIN_MIN_PORT` is above `PLUGIN_MAX_PORT`.
  case portRangeInverted(min: Int, max: Int)

  /// go-plugin's text.
  public var description: String {
    switch self {
    case .cookieMismatch:
      return PluginEnvironment.cookieMismatchMessage
    case .misconfiguredCookie:
      return "Misconfigured ServeConfig given to serve this plugin: no magic cookie\n"
        + "key or value was set. Please notify the plugin author and report\nthis as a bug.\n"
    case .badPort(let variable, let value, let reason):
      return "couldn't get value from \(variable): \(GoSyntax.goQuote(value)): \(reason)"
    case .portRangeInverted(let min, let max):
      return "PLUGIN_MIN_PORT value of \(min) is greater than PLUGIN_MAX_PORT value of \(max)"
    }
  }
}
