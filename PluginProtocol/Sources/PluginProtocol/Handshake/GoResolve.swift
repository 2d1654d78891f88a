import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Go's `net.ResolveTCPAddr("tcp", address)` as go-plugin's host applies it to field 4
/// (`client.go`), with Go's error texts: `net.SplitHostPort`, then the port (`parsePort`: a sign,
/// digits clamped; else a service name from Go's built-in table and `/etc/services`, matched
/// case-insensitively as `lookupPortMap` does; then the 0–65535 check), then the host (empty, an
/// IP literal, or a name the system resolver knows).
///
/// The one difference: a host name that does not resolve gives `lookup HOST: no such host`, the
/// cgo resolver's wording; Go's own resolver adds ` on SERVER:53` and may say something else
/// for a DNS failure other than "no such host".
enum GoResolve {
  /// The port a Go host would dial, or Go's error text.
  static func port(_ service: Substring) -> Result<Int, GoError> {
    let (number, needsLookup) = parsePort(service)
    var port = number
    if needsLookup {
      guard let known = lookupPort(String(service)) else {
        return .failure(GoError("lookup tcp/\(service): unknown port"))
      }
      port = known
    }
    guard (0...65535).contains(port) else { return .failure(GoError("address \(service): invalid port")) }
    return .success(port)
  }

  /// Go's error text for `address`, nil when a Go host resolves it.
  static func tcpAddressError(_ address: String) -> String? {
    let parts: (host: Substring, port: Substring)
    switch TCPAddress.split(address) {
    case .failure(let error): return error.text
    case .success(let split): parts = split
    }
    if case .failure(let error) = port(parts.port) { return error.text }
    let host = String(parts.host)
    if host.isEmpty || isIPLiteral(host) || resolves(host) { return nil }
    return "lookup \(host): no such host"
  }

  /// Go's `parsePort`: "" is 0; an optional sign and decimal digits (clamped, as Go clamps, so
  /// the range check fails); anything else needs a service lookup.
  static func parsePort(_ service: Substring) -> (port: Int, needsLookup: Bool) {
    if service.isEmpty { return (0, false) }
    var digits = service
    var negative = false
    if digits.first == "+" {
      digits = digits.dropFirst()
    } else if digits.first == "-" {
      negative = true
      digits = digits.dropFirst()
    }
    let cutoff = 1 << 30
    var value = 0
    for character in digits {
      guard let digit = character.wholeNumberValue, character.isASCII else { return (0, true) }
      if value >= cutoff {
        value = cutoff
        break
      }
      value = value * 10 + digit
    }
    value = min(value, negative ? cutoff : cutoff - 1)
    return (negative ? -value : value, false)
  }

  /// Go's built-in tcp services (net/lookup.go), before `/etc/services` is read.
  static let builtInServices: [String: Int] = [
    "ftp": 21, "ftps": 990, "gopher": 70, "http": 80, "https": 443, "imap2": 143, "imap3": 220, "imaps": 993,
    "pop3": 110, "pop3s": 995, "smtp": 25, "submissions": 465, "ssh": 22, "telnet": 23,
  ]

  /// Longest service name Go looks up (`maxPortBufSize`, the length of "mobility-header" + 10).
  static let maxServiceLength = 25

  /// The tcp port named `service`, nil when Go knows no such service.
  static func lookupPort(_ service: String) -> Int? {
    guard service.utf8.count <= maxServiceLength else { return nil }
    return tcpServices[service.lowercased()]
  }

  /// Go's table: the built-in services, then every tcp name and alias of `/etc/services`.
  static let tcpServices: [String: Int] = {
    var services = builtInServices
    guard let text = try? String(contentsOfFile: "/etc/services", encoding: .utf8) else { return services }
    services.merge(parseServices(text)) { _, file in file }
    return services
  }()

  /// Go's `readServices` for tcp: `name port/tcp aliases… # comment`.
  static func parseServices(_ text: String) -> [String: Int] {
    var services: [String: Int] = [:]
    for rawLine in text.split(separator: "\n") {
      let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
      let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
      guard fields.count >= 2 else { continue }
      let portAndNetwork = fields[1].split(separator: "/", maxSplits: 1)
      guard portAndNetwork.count == 2, portAndNetwork[1] == "tcp", let port = Int(portAndNetwork[0]), port > 0
      else { continue }
      for name in [fields[0]] + fields.dropFirst(2) { services[String(name)] = port }
    }
    return services
  }

  /// An IPv4 or IPv6 literal (an IPv6 one may carry a zone, `fe80::1%eth0`).
  static func isIPLiteral(_ host: String) -> Bool {
    var v4 = in_addr()
    var v6 = in6_addr()
    if inet_pton(AF_INET, host, &v4) == 1 { return true }
    let withoutZone = host.split(separator: "%", maxSplits: 1).first.map(String.init) ?? host
    return inet_pton(AF_INET6, withoutZone, &v6) == 1
  }

  /// Whether the system resolver knows `host` (`/etc/hosts`, then DNS).
  static func resolves(_ host: String) -> Bool {
    var hints = addrinfo()
    #if os(Linux)
      hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    #else
      hints.ai_socktype = SOCK_STREAM
    #endif
    var result: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(host, nil, &hints, &result)
    if let result { freeaddrinfo(result) }
    return status == 0
  }

  /// A Go error's text.
  struct GoError: Error, Equatable {
    var text: String
    init(_ text: String) { self.text = text }
  }
}
