import AutoMTLS
import Foundation
import Testing
import X509

/// The certificate matches go-plugin's `generateCert` (docs/protocol.md §9.1) field by field.
@Suite("AutoMTLS identity")
struct AutoMTLSIdentityTests {
  @Test func certificateIsGoPluginsShape() throws {
    let now = Date()
    let identity = try AutoMTLSIdentity.generate(now: now)
    let certificate = try Certificate(derEncoded: identity.certificateDER)
    #expect(certificate.signatureAlgorithm == .ecdsaWithSHA512)
    #expect("\(certificate.publicKey)".contains("P521"), "\(certificate.publicKey)")
    #expect(certificate.subject == certificate.issuer)
    #expect(
      certificate.subject.description.contains("CN=localhost")
        && certificate.subject.description.contains("O=HashiCorp"))
    let san = try #require(try certificate.extensions.subjectAlternativeNames)
    #expect(Array(san) == [.dnsName("localhost")])
    #expect(try certificate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: nil))
    let usage = try #require(try certificate.extensions.keyUsage)
    #expect(usage.digitalSignature && usage.keyEncipherment && usage.keyAgreement && usage.keyCertSign)
    let extended = try #require(try certificate.extensions.extendedKeyUsage)
    #expect(extended.contains(.clientAuth) && extended.contains(.serverAuth))
    #expect(abs(certificate.notValidBefore.timeIntervalSince(now) + 30) < 2)
    #expect(abs(certificate.notValidAfter.timeIntervalSince(now) - 262_980 * 3600) < 2)
  }

  @Test func handshakeFieldIsRawStdBase64OfTheDER() throws {
    let identity = try AutoMTLSIdentity.generate()
    let field = identity.handshakeField
    #expect(!field.contains("=") && !field.contains("\n") && field.count > 50)
    var padded = field
    while padded.count % 4 != 0 { padded += "=" }
    #expect(Data(base64Encoded: padded).map(Array.init) == identity.certificateDER)
    #expect(identity.certificatePEM.hasPrefix("-----BEGIN CERTIFICATE-----"))
  }

  @Test func everyIdentityIsNew() throws {
    #expect(try AutoMTLSIdentity.generate().certificateDER != AutoMTLSIdentity.generate().certificateDER)
  }

  @Test func contextsAcceptP521() throws {
    #expect(AutoMTLSContext.signatureAlgorithms.contains(.ecdsaSecp521R1Sha512))
    let host = try AutoMTLSIdentity.generate()
    let plugin = try AutoMTLSIdentity.generate()
    _ = try AutoMTLSContext.client(identity: host, trustingServerCertificateDER: plugin.certificateDER)
    _ = try AutoMTLSContext.server(identity: plugin, trustingClientCertificatePEM: host.certificatePEM)
    #expect(throws: (any Error).self) {
      try AutoMTLSContext.server(identity: plugin, trustingClientCertificatePEM: "not a certificate")
    }
  }
}
