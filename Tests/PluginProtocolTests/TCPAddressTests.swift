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
    "127.0.0.1", "::1:80", "[::1]", "[::1]x:80", "a[b]:80", "host:http", "host:65536", "host:", "[::1:80",
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
    #expect(GoSyntax.tcpAddressError("127.0.0.1") == "address 127.0.0.1: missing port in address")
    #expect(GoSyntax.tcpAddressError("::1:80") == "address ::1:80: too many colons in address")
    #expect(GoSyntax.tcpAddressError("[::1") == "address [::1: missing ']' in address")
    #expect(GoSyntax.tcpAddressError("host:http") == "lookup tcp/http: unknown port")
    #expect(GoSyntax.tcpAddressError("host:70000") == "address 70000: invalid port")
    #expect(GoSyntax.tcpAddressError("host:") == nil)
  }
}
