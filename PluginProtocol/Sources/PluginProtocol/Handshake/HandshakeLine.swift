/// One go-plugin handshake line, `CORE|APP|NETWORK|ADDR|PROTOCOL[|CERT[|MULTIPLEX]]` (docs/protocol.md §1.1).
///
/// `parse(_:expecting:)` accepts and rejects exactly what a go-plugin host (HEAD) accepts and
/// rejects, in the same order of checks (docs/protocol.md §1.2), and throws a `HandshakeError` that
/// carries go-plugin's own message and a hint on what to fix.
public struct HandshakeLine: Sendable, Equatable, Codable {
  /// Field 1: the core protocol version; must be 1.
  public var coreVersion: Int
  /// Field 2: the app protocol version the plugin chose.
  public var appVersion: Int
  /// Field 3: `tcp` or `unix`.
  public var network: Network
  /// Field 4: `host:port` or a unix socket path.
  public var address: String
  /// Field 5: `grpc` or `netrpc` (`netrpc` when the line has only four fields).
  public var protocolName: String
  /// Field 6: base64 (no padding) DER of the plugin's AutoMTLS certificate; `""` for Go's empty sixth field, nil when absent.
  public var serverCertificate: String?
  /// Field 7: the multiplexing answer (`true`/`false`), nil when absent.
  public var multiplex: String?

  /// The transport named in field 3.
  public enum Network: String, Sendable, Equatable, Codable {
    case tcp
    case unix
  }

  /// Creates a line from its fields.
  public init(
    coreVersion: Int = HandshakeConfig.coreProtocolVersion, appVersion: Int, network: Network,
    address: String, protocolName: String = "grpc", serverCertificate: String? = nil,
    multiplex: String? = nil
  ) {
    self.coreVersion = coreVersion
    self.appVersion = appVersion
    self.network = network
    self.address = address
    self.protocolName = protocolName
    self.serverCertificate = serverCertificate
    self.multiplex = multiplex
  }

  /// go-plugin takes field 6 as a certificate only when it is longer than this; shorter values
  /// (Go plugins print it empty) are "unused extra data" (`client.go`).
  public static let certificateFieldThreshold = 50

  /// Whether field 6 holds a certificate by go-plugin's rule (more than 50 bytes: Go's `len`).
  public var carriesCertificate: Bool { (serverCertificate?.utf8.count ?? 0) > Self.certificateFieldThreshold }

  /// The certificate's DER bytes from field 6 (Go's `RawStdEncoding`), nil when there is none
  /// or it does not decode.
  public var serverCertificateDER: [UInt8]? {
    guard carriesCertificate, let field = serverCertificate, case .success(let der) = GoSyntax.rawStdBase64Decode(field)
    else {
      return nil
    }
    return der
  }

  /// The line as a plugin prints it (without the newline).
  ///
  /// A sixth field is written when `serverCertificate` is non-nil (Go plugins always write it,
  /// empty, so their lines end in `|`); a seventh when `multiplex` is non-nil.
  public var formatted: String {
    var fields = ["\(coreVersion)", "\(appVersion)", network.rawValue, address, protocolName]
    if serverCertificate != nil || multiplex != nil { fields.append(serverCertificate ?? "") }
    if let multiplex { fields.append(multiplex) }
    return fields.joined(separator: "|")
  }

  /// Parses and validates a first stdout line exactly as a go-plugin host (HEAD `client.go`)
  /// does, in its order, throwing the first error it would report:
  /// `strings.TrimSpace` and fewer than four fields; field 1 by `strconv.Atoi` and == 1; field 2
  /// among the offered versions; field 3 `tcp` (field 4 through `net.ResolveTCPAddr`: port
  /// numbers with a sign, service names, host names — `GoResolve`) or `unix`; field 5 (absent:
  /// `netrpc`) among the allowed protocols; field 6 when longer than 50 bytes decoded
  /// (RawStdEncoding base64, then an X.509 certificate) *before* anything else looks at it, and
  /// only then the host without AutoMTLS, which go-plugin does not check but dereferences a nil
  /// TLS config on (`certificateWithoutAutoMTLS`, a panic); field 7 when multiplexing was asked for.
  ///
  /// Not reproduced: the runner's `PluginToHost` address mapping (identity for a local
  /// process). Not checked here because go-plugin does not check them: an empty or too long
  /// socket path, or no certificate under AutoMTLS — the line is accepted and the connection
  /// fails later; `warnings(rawLine:expecting:)` reports them as plugin-dev's own findings, and
  /// `parseAndCheck` turns them into errors for hosts that must not go on (`run`, `check`).
  ///
  /// - Parameters:
  ///   - line: the raw line; surrounding whitespace (including `\r`) is trimmed as Go does.
  ///   - host: what the host offered (versions, protocols, AutoMTLS, multiplexing).
  public static func parse(_ line: String, expecting host: HandshakeExpectations = .init())
    throws(HandshakeError) -> HandshakeLine
  {
    let trimmed = goTrimSpace(line)
    let parts = trimmed.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
    guard parts.count >= 4 else { throw .unrecognized(line: trimmed) }

    let core: Int
    switch GoSyntax.atoi(parts[0]) {
    case .success(let v): core = v
    case .failure(let e): throw .coreVersionNotInteger(field: parts[0], goError: e.description)
    }
    guard core == HandshakeConfig.coreProtocolVersion else { throw .incompatibleCoreVersion(core) }

    let app: Int
    switch GoSyntax.atoi(parts[1]) {
    case .success(let v): app = v
    case .failure(let e): throw .appVersionNotInteger(field: parts[1], goError: e.description)
    }
    guard host.offeredVersions.contains(app) else {
      throw .incompatibleAppVersion(app, offered: host.offeredVersions)
    }

    let address = parts[3]
    let network: Network
    switch parts[2] {
    case "tcp":
      if let error = GoResolve.tcpAddressError(address) { throw .badTCPAddress(address, goError: error) }
      network = .tcp
    case "unix":
      network = .unix
    default:
      throw .unknownNetwork(network: parts[2], address: address)
    }

    let proto = parts.count >= 5 ? parts[4] : "netrpc"
    guard host.allowedProtocols.contains(proto) else {
      throw .unsupportedProtocol(proto, allowed: host.allowedProtocols, fieldCount: parts.count)
    }

    let cert: String? = parts.count >= 6 ? parts[5] : nil
    if let cert, cert.utf8.count > certificateFieldThreshold {
      // go-plugin's loadServerCert: decode, parse, and only then store it in a TLS config that
      // is nil on a host without AutoMTLS.
      switch GoSyntax.rawStdBase64Decode(cert) {
      case .failure(let e): throw .badServerCertificate(goError: e.description)
      case .success(let der):
        if let problem = DERCheck.certificateProblem(der) {
          throw .badServerCertificate(goError: problem)
        }
      }
      guard host.clientCertificateSent else { throw .certificateWithoutAutoMTLS }
    }

    let multiplex: String? = parts.count >= 7 ? parts[6] : nil
    if host.multiplexRequested, proto == "grpc" {
      guard let multiplex else { throw .multiplexUnsupported }
      guard let value = GoSyntax.parseBool(multiplex) else { throw .multiplexNotBoolean(multiplex) }
      guard value else { throw .multiplexDeclined }
    }

    return HandshakeLine(
      coreVersion: core, appVersion: app, network: network, address: address,
      protocolName: proto, serverCertificate: cert, multiplex: multiplex)
  }

  /// Longest unix socket path `connect(2)` accepts on this OS (`sun_path` minus the terminator).
  #if os(Linux)
    public static let maxSocketPathLength = 107
  #else
    public static let maxSocketPathLength = 103
  #endif

  /// `parse`, then plugin-dev's own checks that go-plugin does not make but that leave the line
  /// unusable (`HandshakeWarning.blockingError`): the first of them is thrown, marked as
  /// plugin-dev's (`HandshakeError.isPluginDevCheck`, no go-plugin message).
  public static func parseAndCheck(_ line: String, expecting host: HandshakeExpectations = .init())
    throws(HandshakeError) -> HandshakeLine
  {
    let parsed = try parse(line, expecting: host)
    if let blocking = parsed.unusable(expecting: host).first { throw blocking }
    return parsed
  }

  /// plugin-dev's own checks on a line go-plugin accepts, which no connection can get past.
  public func unusable(expecting host: HandshakeExpectations = .init()) -> [HandshakeError] {
    var out: [HandshakeError] = []
    if network == .unix {
      if address.isEmpty { out.append(.emptySocketPath) }
      if address.utf8.count > HandshakeLine.maxSocketPathLength {
        out.append(.socketPathTooLong(address, limit: HandshakeLine.maxSocketPathLength))
      }
    }
    if host.clientCertificateSent, !carriesCertificate { out.append(.missingServerCertificate) }
    return out
  }

  /// Things a Go host accepts but that deserve a look, for a line that parsed: plugin-dev's own
  /// findings, never go-plugin's; the ones no connection gets past come first (`pluginDevCheck`).
  public func warnings(rawLine: String, expecting host: HandshakeExpectations = .init()) -> [HandshakeWarning] {
    var out: [HandshakeWarning] = unusable(expecting: host).map(HandshakeWarning.pluginDevCheck)
    let withoutNewline = rawLine.hasSuffix("\n") ? String(rawLine.dropLast()) : rawLine
    if withoutNewline != HandshakeLine.goTrimSpace(withoutNewline) {
      out.append(.surroundingWhitespace)
    }
    if multiplex != nil, !host.multiplexRequested { out.append(.unrequestedMultiplexField) }
    if network == .tcp, let host = address.split(separator: ":").first,
      !["127.0.0.1", "localhost", "[::1]"].contains(String(host))
    {
      out.append(.listensBeyondLoopback(address))
    }
    return out
  }

  /// Go's `strings.TrimSpace` (ASCII whitespace plus the Unicode spaces Go knows), as a host trims the line.
  public static func goTrimSpace(_ text: String) -> String {
    let isSpace: (Character) -> Bool = { $0.isWhitespace }
    var s = Substring(text)
    while let f = s.first, isSpace(f) { s = s.dropFirst() }
    while let l = s.last, isSpace(l) { s = s.dropLast() }
    return String(s)
  }
}

/// What the host offered the plugin, which decides whether a handshake line is acceptable.
public struct HandshakeExpectations: Sendable, Equatable, Codable {
  /// Versions sent in `PLUGIN_PROTOCOL_VERSIONS`.
  public var offeredVersions: [Int]
  /// Protocols the host accepts in field 5 (plugin-dev speaks gRPC only).
  public var allowedProtocols: [String]
  /// Whether `PLUGIN_CLIENT_CERT` was sent (AutoMTLS).
  public var clientCertificateSent: Bool
  /// Whether `PLUGIN_MULTIPLEX_GRPC=true` was sent.
  public var multiplexRequested: Bool

  /// Creates expectations; the defaults match go-plugin's KV example host with gRPC only.
  public init(
    offeredVersions: [Int] = [1], allowedProtocols: [String] = ["grpc"],
    clientCertificateSent: Bool = false, multiplexRequested: Bool = false
  ) {
    self.offeredVersions = offeredVersions
    self.allowedProtocols = allowedProtocols
    self.clientCertificateSent = clientCertificateSent
    self.multiplexRequested = multiplexRequested
  }
}

/// A handshake line a Go host accepts, but with something worth fixing.
public enum HandshakeWarning: Sendable, Equatable, Codable, CustomStringConvertible {
  /// Spaces or `\r` around the line (trimmed by Go hosts, maybe not by others).
  case surroundingWhitespace
  /// A seventh field although the host did not set `PLUGIN_MULTIPLEX_GRPC`.
  case unrequestedMultiplexField
  /// A tcp address other than loopback.
  case listensBeyondLoopback(String)
  /// One of plugin-dev's own checks that go-plugin does not make, which leaves the line
  /// unusable (the connection fails later): an empty or too long socket path, no certificate
  /// under AutoMTLS.
  case pluginDevCheck(HandshakeError)

  /// What was seen and what to do.
  public var description: String {
    switch self {
    case .surroundingWhitespace:
      return "the handshake line has spaces or a carriage return around it; Go hosts trim them, "
        + "other hosts may not. Print exactly the fields and one \\n."
    case .unrequestedMultiplexField:
      return "field 7 (multiplexing) was sent although the host did not set PLUGIN_MULTIPLEX_GRPC; "
        + "go-plugin 1.0.1–1.5.x hosts glue it onto field 6. Only send it when PLUGIN_MULTIPLEX_GRPC=true."
    case .listensBeyondLoopback(let address):
      return "the plugin listens on \(address), not on 127.0.0.1; anyone on the network can call it. "
        + "Listen on 127.0.0.1."
    case .pluginDevCheck(let error):
      return error.description
    }
  }
}
