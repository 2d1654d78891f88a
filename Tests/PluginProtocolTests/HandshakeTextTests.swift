import PluginProtocol
import Testing

/// Text output shortens a handshake's certificate to what it is; every other field stays.
@Suite("Handshake text")
struct HandshakeTextTests {
  @Test func aCertificateIsDescribed() {
    let raw = "1|1|tcp|127.0.0.1:1234|grpc|\(TestCertificate.field)"
    #expect(
      HandshakeText.shortened(raw)
        == "1|1|tcp|127.0.0.1:1234|grpc|CERT(\(TestCertificate.der.count) bytes DER, ECDSA P-256, CN=localhost, until 2036-11-24)"
    )
  }

  @Test(arguments: [
    "1|1|tcp|127.0.0.1:1234|grpc", "1|1|tcp|127.0.0.1:1234|grpc|", "starting up...", "1|1|tcp|a|grpc|short|true",
  ])
  func linesWithoutACertificateStayAsTheyAre(_ raw: String) {
    #expect(HandshakeText.shortened(raw) == raw)
  }

  @Test func whatIsNotACertificateSaysWhy() {
    let text = HandshakeText.shortened("1|1|tcp|127.0.0.1:1234|grpc|" + String(repeating: "A", count: 64))
    #expect(text.hasSuffix("|CERT(48 bytes, not a certificate: x509: malformed certificate)"), "\(text)")
    let padded = HandshakeText.shortened("1|1|tcp|127.0.0.1:1234|grpc|" + TestCertificate.field + "==")
    #expect(padded.contains("not valid: illegal base64 data at input byte"), "\(padded)")
  }
}
