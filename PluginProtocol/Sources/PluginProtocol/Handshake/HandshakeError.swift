/// Why a go-plugin host would refuse a handshake line, with go-plugin's message and a fix.
///
/// `goPluginMessage` is the text a go-plugin host (HEAD wording, docs/protocol.md §1.3) prints;
/// `hint` says what to change in the plugin. `description` gives both.
public enum HandshakeError: Error, Sendable, Equatable, Codable, CustomStringConvertible {
  /// Fewer than four `|`-separated fields (junk, an empty line, an old three-field line).
  case unrecognized(line: String)
  /// Field 1 is not a decimal integer.
  case coreVersionNotInteger(field: String, goError: String)
  /// Field 1 is not 1.
  case incompatibleCoreVersion(Int)
  /// Field 2 is not a decimal integer.
  case appVersionNotInteger(field: String, goError: String)
  /// Field 2 is not among the versions the host offered.
  case incompatibleAppVersion(Int, offered: [Int])
  /// Field 3 is neither `tcp` nor `unix`.
  case unknownNetwork(network: String, address: String)
  /// Field 4 is not a valid `host:port` for a tcp line.
  case badTCPAddress(String, goError: String)
  /// Field 4 is empty for a unix line (plugin-dev's own check: go-plugin accepts it and fails to connect).
  case emptySocketPath
  /// Field 4 is longer than the OS allows for a unix socket path (plugin-dev's own check:
  /// go-plugin accepts it and fails to connect).
  case socketPathTooLong(String, limit: Int)
  /// Field 5 is not a protocol the host allows (`netrpc` when the line has four fields).
  case unsupportedProtocol(String, allowed: [String], fieldCount: Int)
  /// Field 6 is not unpadded standard base64 of a DER certificate.
  case badServerCertificate(goError: String)
  /// Field 6 carries a valid certificate but the host did not ask for AutoMTLS (go-plugin does
  /// not check this: it stores the certificate in its nil TLS config and panics).
  case certificateWithoutAutoMTLS
  /// The host sent `PLUGIN_CLIENT_CERT` but field 6 has no certificate (plugin-dev's own check:
  /// go-plugin accepts the line and its TLS connection fails).
  case missingServerCertificate
  /// Multiplexing requested and field 7 missing.
  case multiplexUnsupported
  /// Multiplexing requested and field 7 not a boolean.
  case multiplexNotBoolean(String)
  /// Multiplexing requested and field 7 is false.
  case multiplexDeclined

  /// Whether this is one of plugin-dev's own checks, which go-plugin does not make (it accepts
  /// the line, and the connection fails later): `HandshakeLine.parse` never throws these.
  public var isPluginDevCheck: Bool {
    switch self {
    case .emptySocketPath, .socketPathTooLong, .missingServerCertificate: return true
    default: return false
    }
  }

  /// The message a go-plugin host (HEAD) reports, or nil for plugin-dev's own checks (`isPluginDevCheck`).
  public var goPluginMessage: String? {
    switch self {
    case .unrecognized(let line):
      return "Unrecognized remote plugin message: \(line)\n" + HandshakeError.unrecognizedExplanation
    case .coreVersionNotInteger(_, let goError):
      return "error parsing core protocol version: \(goError)"
    case .incompatibleCoreVersion(let v):
      return "incompatible core API version with plugin. Plugin version: \(v), Core version: 1\n\n"
        + "To fix this, the plugin usually only needs to be recompiled.\n"
        + "Please report this to the plugin author"
    case .appVersionNotInteger(let field, let goError):
      return "Error parsing protocol version \(GoSyntax.goQuote(field)): \(goError)"
    case .incompatibleAppVersion(let v, let offered):
      return "incompatible API version with plugin. Plugin version: \(v), Client versions: \(GoSyntax.list(offered))"
    case .unknownNetwork(_, let address):
      return "unknown address type: \(address)"
    case .badTCPAddress(_, let goError):
      return goError
    case .certificateWithoutAutoMTLS:
      return HandshakeError.nilTLSConfigPanic
    case .emptySocketPath, .socketPathTooLong, .missingServerCertificate:
      return nil
    case .unsupportedProtocol(let p, let allowed, _):
      return "unsupported plugin protocol \(GoSyntax.goQuote(p)). Supported: \(GoSyntax.list(allowed))"
    case .badServerCertificate(let goError):
      return "error parsing server cert: \(goError)"
    case .multiplexUnsupported:
      return "client requested gRPC broker multiplexing but plugin does not support the feature; "
        + "for Go plugins, you will need to update the github.com/hashicorp/go-plugin dependency and recompile"
    case .multiplexNotBoolean(let v):
      return "error parsing \(GoSyntax.goQuote(v)) as a boolean for gRPC broker multiplexing support"
    case .multiplexDeclined:
      return "client requested gRPC broker multiplexing but plugin does not support the feature"
    }
  }

  /// How text output names the quoted messages: they are go-plugin's current words (v1.4.7 and
  /// later); a 1.0.x host says the same things in slightly other words (capitalised, and its
  /// "Unrecognized remote plugin message" explanation differs).
  public static let goPluginLabel = "go-plugin (v1.4.7+)"

  /// What a go-plugin host without AutoMTLS (and no TLS config of its own) prints when field 6
  /// carries a valid certificate: `loadServerCert` sets `RootCAs` on a nil `*tls.Config`.
  public static let nilTLSConfigPanic = "panic: runtime error: invalid memory address or nil pointer dereference"

  /// The runner's explanation go-plugin (v1.4.7+) appends to "Unrecognized remote plugin message".
  public static let unrecognizedExplanation = """
    This usually means
      the plugin was not compiled for this architecture,
      the plugin is missing dynamic-link libraries necessary to run,
      the plugin is not executable by this process due to file permissions, or
      the plugin failed to negotiate the initial go-plugin protocol handshake
    """

  /// What to change in the plugin, in plain words.
  public var hint: String {
    switch self {
    case .unrecognized(let line):
      if line.isEmpty {
        return "The plugin's first stdout line was empty. Print the handshake line first and nothing before it; "
          + "log to stderr."
      }
      let pipes = line.filter { $0 == "|" }.count
      if pipes == 2, line.split(separator: "|").first.map({ Int($0) != nil }) == true {
        return "This looks like a pre-2016 three-field handshake (APP|NETWORK|ADDR). Current hosts need "
          + "CORE|APP|NETWORK|ADDR|PROTOCOL, e.g. 1|1|tcp|127.0.0.1:1234|grpc."
      }
      return "The plugin printed \(GoSyntax.goQuote(line)) before its handshake line; go-plugin hosts take the very "
        + "first stdout line and refuse anything else. Log to stderr instead, and print only "
        + "CORE|APP|NETWORK|ADDR|PROTOCOL (e.g. 1|1|tcp|127.0.0.1:1234|grpc) on stdout."
    case .coreVersionNotInteger(let field, _):
      if field != HandshakeLine.goTrimSpace(field) {
        return "Field 1 has spaces around it; go-plugin splits on '|' without trimming fields. Remove the spaces."
      }
      return "Field 1 must be the core protocol version, the number 1."
    case .incompatibleCoreVersion:
      return "Field 1 is the core protocol version and is always 1; the app's own version goes in field 2."
    case .appVersionNotInteger(let field, _):
      if field != HandshakeLine.goTrimSpace(field) {
        return "Field 2 has spaces around it; go-plugin splits on '|' without trimming fields. Remove the spaces."
      }
      return "Field 2 must be the app protocol version as a decimal number (e.g. 1)."
    case .incompatibleAppVersion(let v, let offered):
      return
        "The plugin answered app version \(v) but the host offered \(offered.map(String.init).joined(separator: ",")) "
        + "in PLUGIN_PROTOCOL_VERSIONS. Read PLUGIN_PROTOCOL_VERSIONS and answer the highest version both support."
    case .unknownNetwork(let network, _):
      return "Field 3 is \(GoSyntax.goQuote(network)); it must be 'tcp' or 'unix'. (go-plugin prints the address in "
        + "this message, not the type; a 1.0.1 host even crashes on it.)"
    case .badTCPAddress(let address, _):
      return "Field 4 is \(GoSyntax.goQuote(address)); a tcp address must be host:port, e.g. 127.0.0.1:1234."
    case .emptySocketPath:
      return "Field 4 is empty; a unix line needs the socket's path, e.g. 1|1|unix|/tmp/plugin123/plugin.sock|grpc "
        + "(go-plugin accepts the line and then fails to connect)."
    case .socketPathTooLong(let path, let limit):
      return "The socket path is \(path.utf8.count) bytes; connect(2) accepts at most \(limit) (go-plugin accepts "
        + "the line and then fails to connect). Use a shorter directory (honour PLUGIN_UNIX_SOCKET_DIR, or a short TMPDIR)."
    case .unsupportedProtocol(let p, _, let count):
      if count == 4 {
        return "The line has only four fields, so the host assumes 'netrpc'. Add a fifth field 'grpc'."
      }
      return "Field 5 is \(GoSyntax.goQuote(p)); plugins written outside Go must serve gRPC and print 'grpc'."
    case .badServerCertificate:
      return "Field 6 must be the DER bytes of the plugin's certificate in standard base64 without '=' padding "
        + "(Go's RawStdEncoding), on one line."
    case .certificateWithoutAutoMTLS:
      return "Field 6 carries a certificate but the host did not send PLUGIN_CLIENT_CERT; a Go host without AutoMTLS "
        + "crashes on this (it stores the certificate in a TLS config it never made). Only send a certificate when "
        + "PLUGIN_CLIENT_CERT is set."
    case .missingServerCertificate:
      return "The host sent PLUGIN_CLIENT_CERT (AutoMTLS) but the plugin sent no certificate in field 6; go-plugin "
        + "accepts the line and its TLS connection then fails. Serve TLS with your own certificate and print its base64 DER in field 6."
    case .multiplexUnsupported, .multiplexDeclined:
      return "The host set PLUGIN_MULTIPLEX_GRPC=true; it only accepts plugins that answer 'true' in field 7 and "
        + "multiplex connections over yamux."
    case .multiplexNotBoolean:
      return "Field 7 must be 'true' or 'false'."
    }
  }

  /// A short title for lists (`bad core version`, …).
  public var title: String {
    switch self {
    case .unrecognized(let line): return line.isEmpty ? "empty first line" : "text before the handshake"
    case .coreVersionNotInteger, .incompatibleCoreVersion: return "bad core protocol version"
    case .appVersionNotInteger, .incompatibleAppVersion: return "app protocol version mismatch"
    case .unknownNetwork: return "unsupported network"
    case .badTCPAddress, .emptySocketPath: return "bad address"
    case .socketPathTooLong: return "socket path too long"
    case .unsupportedProtocol: return "unsupported protocol"
    case .badServerCertificate, .certificateWithoutAutoMTLS, .missingServerCertificate: return "AutoMTLS certificate"
    case .multiplexUnsupported, .multiplexNotBoolean, .multiplexDeclined: return "multiplexing"
    }
  }

  /// go-plugin's message (when it has one) followed by the hint; plugin-dev's own checks say so.
  public var description: String {
    if let message = goPluginMessage { return "\(message)\n→ \(hint)" }
    if isPluginDevCheck { return "plugin-dev's own check (go-plugin accepts this line; the connection fails): " + hint }
    return hint
  }
}
