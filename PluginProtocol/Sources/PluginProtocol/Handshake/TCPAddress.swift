/// A tcp handshake address (`host:port`, `[v6]:port`) split the way Go's `net.SplitHostPort` does.
///
/// One parser for everything that takes a tcp address apart: handshake validation (with Go's
/// error texts), the gRPC client's target, the relay, the reachability probe and the port-range check.
public struct TCPAddress: Sendable, Equatable, Hashable {
  /// The host without IPv6 brackets; empty when the address was `:PORT` (Go: the local system).
  public var host: String
  /// The port number.
  public var port: Int
  /// Whether the host was written in brackets (`[::1]:1234`).
  public var isBracketed: Bool

  /// The host to dial: `127.0.0.1` for an empty host, otherwise `host`.
  public var dialHost: String { host.isEmpty ? "127.0.0.1" : host }

  /// Parses `address`; nil unless Go would accept its form and port (a number, or a service
  /// name Go knows, as `net.ResolveTCPAddr` takes it). The host is not resolved here.
  public init?(_ address: String) {
    guard case .success(let parts) = Self.split(address), !parts.port.isEmpty,
      case .success(let port) = GoResolve.port(parts.port)
    else { return nil }
    self.host = String(parts.host)
    self.port = port
    self.isBracketed = address.hasPrefix("[")
  }

  /// Go's `net.SplitHostPort`: the host (brackets removed) and port text, or Go's error text.
  static func split(_ address: String) -> Result<(host: Substring, port: Substring), GoAddressError> {
    let missingPort = GoAddressError("address \(address): missing port in address")
    let tooManyColons = GoAddressError("address \(address): too many colons in address")
    let host: Substring
    let port: Substring
    if address.hasPrefix("[") {
      guard let close = address.firstIndex(of: "]") else {
        return .failure(.init("address \(address): missing ']' in address"))
      }
      let after = address[address.index(after: close)...]
      guard after.first == ":" else { return .failure(after.isEmpty ? missingPort : tooManyColons) }
      host = address[address.index(after: address.startIndex)..<close]
      port = after.dropFirst()
      if port.contains(":") { return .failure(tooManyColons) }
    } else {
      guard let colon = address.lastIndex(of: ":") else { return .failure(missingPort) }
      host = address[..<colon]
      port = address[address.index(after: colon)...]
      if host.contains(":") { return .failure(tooManyColons) }
    }
    if host.contains("[") || host.contains("]") {
      return .failure(.init("address \(address): unexpected '[' in address"))
    }
    return .success((host, port))
  }

  /// The text of a Go address error.
  struct GoAddressError: Error, Equatable {
    var text: String
    init(_ text: String) { self.text = text }
  }
}

extension HandshakeLine {
  /// The tcp address taken apart; nil for unix sockets.
  public var tcpAddress: TCPAddress? { network == .tcp ? TCPAddress(address) : nil }
}
