import Foundation
import Testing

@testable import PluginHost
@testable import PluginWrap

@Suite("wrap's handshake rewrite")
struct WrapHandshakeTests {
  @Test func onlyTheAddressChangesAndATrailingBarStays() throws {
    let line = try #require(WrapHandshake("1|1|unix|/tmp/plugin-abc/plugin.sock|grpc|"))
    #expect(line.network == "unix" && line.address == "/tmp/plugin-abc/plugin.sock" && line.certificate == nil)
    #expect(line.rewritten(address: "/tmp/w/plugin.sock") == "1|1|unix|/tmp/w/plugin.sock|grpc|")
    let tcp = try #require(WrapHandshake("1|5|tcp|127.0.0.1:1234|grpc\n"))
    #expect(tcp.rewritten(address: "127.0.0.1:15000") == "1|5|tcp|127.0.0.1:15000|grpc")
  }

  @Test func underAutoMTLSField6IsWrapsCertificate() throws {
    let line = try #require(WrapHandshake("1|1|tcp|127.0.0.1:1234|grpc|QUJD"))
    #expect(line.certificate == "QUJD" && line.certificateDER == Array("ABC".utf8))
    #expect(line.rewritten(address: "127.0.0.1:2", certificate: "WFla") == "1|1|tcp|127.0.0.1:2|grpc|WFla")
    let plain = try #require(WrapHandshake("1|1|tcp|127.0.0.1:1234|grpc"))
    #expect(plain.rewritten(address: "127.0.0.1:2", certificate: "WFla") == "1|1|tcp|127.0.0.1:2|grpc|WFla")
  }

  @Test func linesWrapCannotPointElsewhereAreNotHandshakes() {
    #expect(WrapHandshake("starting up...") == nil)
    #expect(WrapHandshake("1|1|tcp") == nil)
    #expect(WrapHandshake("1|1|udp|127.0.0.1:1|grpc") == nil)
  }
}
