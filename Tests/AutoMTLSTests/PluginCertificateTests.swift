import AutoMTLS
import Crypto
import Foundation
import SwiftASN1
import Testing
import X509
import _CryptoExtras

/// Field 6 is read as Go's `x509.ParseCertificate` reads it: every key a go-plugin host accepts
/// (RSA from 1024 bits, which swift-certificates refuses, ECDSA, Ed25519), and Go's messages for
/// what it refuses. The genuine Go host judges the same certificates in EndToEndTests (GoHostTests).
@Suite("Plugin certificate (field 6)")
struct PluginCertificateTests {
  /// A self-signed `localhost` certificate with `key`, as plugins make them.
  static func certificate(_ key: Certificate.PrivateKey, algorithm: Certificate.SignatureAlgorithm) throws -> [UInt8] {
    let name = try DistinguishedName { CommonName("localhost") }
    let now = Date(timeIntervalSince1970: 1_796_000_000)
    let certificate = try Certificate(
      version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
      notValidBefore: now - 60, notValidAfter: now + 7 * 86_400, issuer: name, subject: name,
      signatureAlgorithm: algorithm,
      extensions: try Certificate.Extensions { SubjectAlternativeNames([.dnsName("localhost"), .dnsName("plugin")]) },
      issuerPrivateKey: key)
    var serializer = DER.Serializer()
    try serializer.serialize(certificate)
    return serializer.serializedBytes
  }

  static func rsa(_ bits: Int) throws -> [UInt8] {
    let key = try _RSA.Signing.PrivateKey(unsafeKeySize: .init(bitCount: bits))
    return try certificate(Certificate.PrivateKey(key), algorithm: .sha256WithRSAEncryption)
  }

  @Test func rsa1024IsAcceptedThoughSwiftCertificatesRefusesIt() throws {
    let der = try Self.rsa(1024)
    #expect(throws: (any Error).self) { try Certificate(derEncoded: der) }
    let parsed = try PluginCertificate(der: der)
    #expect(parsed.key == .rsa(bits: 1024))
    #expect(parsed.commonName == "localhost")
    #expect(parsed.dnsNames == ["localhost", "plugin"])
    #expect(parsed.notAfter == Date(timeIntervalSince1970: 1_796_000_000 + 7 * 86_400))
    #expect(parsed.summary == "\(der.count) bytes DER, RSA 1024, CN=localhost, until 2026-12-07")
  }

  @Test(arguments: ["RSA 2048", "ECDSA P-256", "ECDSA P-384", "ECDSA P-521", "Ed25519"])
  func everyKeyGoAcceptsIsReadAsSwiftCertificatesReadsIt(key: String) throws {
    let der: [UInt8]
    switch key {
    case "RSA 2048": der = try Self.rsa(2048)
    case "ECDSA P-256": der = try Self.certificate(.init(P256.Signing.PrivateKey()), algorithm: .ecdsaWithSHA256)
    case "ECDSA P-384": der = try Self.certificate(.init(P384.Signing.PrivateKey()), algorithm: .ecdsaWithSHA384)
    case "ECDSA P-521": der = try Self.certificate(.init(P521.Signing.PrivateKey()), algorithm: .ecdsaWithSHA512)
    default: der = try Self.certificate(.init(Curve25519.Signing.PrivateKey()), algorithm: .ed25519)
    }
    let parsed = try PluginCertificate(der: der)
    let reference = try Certificate(derEncoded: der)
    #expect(parsed.key.description == key)
    #expect(parsed.key.usableForTLS)
    #expect(parsed.notAfter == reference.notValidAfter)
    let names = try reference.extensions.subjectAlternativeNames.map(Array.init) ?? []
    #expect(parsed.dnsNames == names.compactMap { if case .dnsName(let n) = $0 { n } else { nil } })
  }

  @Test func goPluginsOwnCertificateIsRead() throws {
    let identity = try AutoMTLSIdentity.generate()
    let parsed = try PluginCertificate(der: identity.certificateDER)
    #expect(parsed.key == .ecdsa(curve: "P-521"))
    #expect(parsed.dnsNames == ["localhost"])
  }

  @Test func whatGoRefusesIsRefusedWithGosMessage() throws {
    let der = try Self.rsa(1024)
    func message(_ bytes: [UInt8]) -> String? {
      do {
        _ = try PluginCertificate(der: bytes)
        return nil
      } catch { return error.description }
    }
    #expect(message(Array(der.prefix(der.count / 2))) == "x509: malformed certificate")
    #expect(message([]) == "x509: malformed certificate")
    #expect(message(der + [0x00]) == "x509: trailing data")
    let pem = "-----BEGIN CERTIFICATE-----\n" + Data(der).base64EncodedString() + "\n-----END CERTIFICATE-----\n"
    #expect(message(Array(pem.utf8)) == "x509: malformed certificate")
    #expect(message([0x30, 0x03, 0x02, 0x01, 0x01]) == "x509: malformed tbs certificate")
  }

  /// Mutated certificates never crash the parser and, when accepted, still describe a key.
  @Test func mutatedCertificatesAreRefusedOrRead() throws {
    let seeds = [try Self.rsa(1024), try AutoMTLSIdentity.generate().certificateDER]
    var generator = SystemRandomNumberGenerator()
    for index in 0..<3_000 {
      var bytes = seeds[index % seeds.count]
      for _ in 0..<Int.random(in: 1...4, using: &generator) {
        let at = Int.random(in: 0..<bytes.count, using: &generator)
        switch Int.random(in: 0..<3, using: &generator) {
        case 0: bytes[at] = UInt8.random(in: 0...255, using: &generator)
        case 1: bytes.remove(at: at)
        default: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: at)
        }
      }
      if let parsed = try? PluginCertificate(der: bytes) { #expect(!parsed.key.description.isEmpty) }
    }
  }
}
