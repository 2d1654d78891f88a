import Testing

@testable import PluginProtocol

@Suite("TCPAddress")
struct TCPAddressTests {
  @Test(arguments: [
    ("127.0.0.1:1234", "127.0.0.1", 1234, false),
    ("localhost:80", "localhost", 80, false),
    (":9000", "", 9000, false),
    ("[::1]:10000", "::1", 10000, true),
    ("[fe80::1%eth0]:65535", "fe80::1%eth0", 65535, true),
  ])
  func splits(_ text: String, _ host: String, _ port: Int, _ bracketed: Bool) throws {
    let address = try #require(TCPAddress(text))
    #expect(address.host == host)
    #expect(address.port == port)
    #expect(address.isBracketed == bracketed)
  }

  @Test(arguments: [
    "127.0.0.1", "::1:80", "[::1]", "[::1]x:80", "a[b]:80", "host:no-such-service", "host:65536", "host:", "[::1:80",
  ])
  func refusesWhatGoRefuses(_ text: String) {
    #expect(TCPAddress(text) == nil)
  }

  @Test func dialsTheLocalSystemForAnEmptyHost() throws {
    #expect(try #require(TCPAddress(":1")).dialHost == "127.0.0.1")
    #expect(try #require(TCPAddress("10.0.0.1:1")).dialHost == "10.0.0.1")
  }

  @Test func handshakeLinesExposeIt() throws {
    #expect(try HandshakeLine.parse("1|1|tcp|127.0.0.1:4321|grpc").tcpAddress == TCPAddress("127.0.0.1:4321"))
    #expect(try HandshakeLine.parse("1|1|unix|/tmp/p.sock|grpc").tcpAddress == nil)
  }

  @Test func goErrorTextsAreKept() {
    #expect(GoResolve.tcpAddressError("127.0.0.1") == "address 127.0.0.1: missing port in address")
    #expect(GoResolve.tcpAddressError("::1:80") == "address ::1:80: too many colons in address")
    #expect(GoResolve.tcpAddressError("[::1") == "address [::1: missing ']' in address")
    #expect(GoResolve.tcpAddressError("localhost:http2x") == "lookup tcp/http2x: unknown port")
    #expect(GoResolve.tcpAddressError("localhost:70000") == "address 70000: invalid port")
    #expect(GoResolve.tcpAddressError("localhost:") == nil)  // port 0, as Go's parsePort("") gives
    #expect(GoResolve.tcpAddressError("localhost:http") == nil)
  }

  /// Go's `parsePort`: a sign, digits, clamping at 2^30 so the range check fails; the rest is a service name.
  @Test(arguments: [
    ("", 0, false), ("80", 80, false), ("+80", 80, false), ("-1", -1, false), ("0080", 80, false),
    ("99999999999999999999", (1 << 30) - 1, false), ("-99999999999999999999", -(1 << 30), false),
    ("http", 0, true), ("8o", 0, true),
  ])
  func parsePort(_ text: String, _ port: Int, _ needsLookup: Bool) {
    #expect(GoResolve.parsePort(Substring(text)) == (port, needsLookup))
  }

  /// Service names: Go's built-in table, case-insensitive, and /etc/services' tcp names and aliases.
  @Test func serviceNames() {
    #expect(TCPAddress("127.0.0.1:http")?.port == 80)
    #expect(TCPAddress("127.0.0.1:HTTPS")?.port == 443)
    #expect(TCPAddress("127.0.0.1:ssh")?.port == 22)
    #expect(TCPAddress("127.0.0.1:no-such-service") == nil)
    let services = GoResolve.parseServices(
      "# comment\npostgresql\t5432/tcp\tpostgres # PostgreSQL\nsyslog\t514/udp\nbad\tx/tcp\n")
    #expect(services == ["postgresql": 5432, "postgres": 5432])
  }
}
