import Crypto
import Foundation
import NIOSSL
import X509

/// A go-plugin AutoMTLS key pair and certificate, made the way go-plugin's `generateCert` makes
/// them on both sides (docs/protocol.md §9.1): ECDSA P-521, self-signed, CN and SAN `localhost`,
/// O `HashiCorp`, a CA with DigitalSignature | KeyEncipherment | KeyAgreement | CertSign,
/// ClientAuth + ServerAuth, valid from 30 s ago for 262,980 hours.
public struct AutoMTLSIdentity: Sendable {
  /// The certificate, DER encoded (what a plugin prints, base64, in handshake field 6).
  public let certificateDER: [UInt8]
  /// The certificate as PEM (what a host puts in `PLUGIN_CLIENT_CERT`).
  public let certificatePEM: String
  /// The private key, for NIOSSL.
  public let privateKey: NIOSSLPrivateKey
  /// The certificate, for NIOSSL.
  public let certificate: NIOSSLCertificate
  /// The private key as PEM (PKCS#8), to write beside the certificate (`plugin-dev env --auto-mtls`).
  public let privateKeyPEM: String

  /// Makes a fresh identity.
  public static func generate(now: Date = Date()) throws -> AutoMTLSIdentity {
    let key = P521.Signing.PrivateKey()
    let name = try DistinguishedName {
      OrganizationName("HashiCorp")
      CommonName("localhost")
    }
    let extensions = try Certificate.Extensions {
      Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
      KeyUsage(digitalSignature: true, keyEncipherment: true, keyAgreement: true, keyCertSign: true)
      try ExtendedKeyUsage([.clientAuth, .serverAuth])
      SubjectAlternativeNames([.dnsName("localhost")])
    }
    let certificate = try Certificate(
      version: .v3, serialNumber: Certificate.SerialNumber(),
      publicKey: Certificate.PublicKey(key.publicKey),
      notValidBefore: now - 30, notValidAfter: now + 262_980 * 3600,
      issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA512,
      extensions: extensions, issuerPrivateKey: Certificate.PrivateKey(key))
    let pem = try certificate.serializeAsPEM()
    return try AutoMTLSIdentity(certificatePEM: pem.pemString, privateKeyPEM: key.pemRepresentation)
  }

  /// An identity read back from the PEM texts `generate` made (e.g. files written by `plugin-dev env`).
  public init(certificatePEM: String, privateKeyPEM: String) throws {
    let certificate = try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem)
    self.certificateDER = try certificate.toDERBytes()
    self.certificatePEM = certificatePEM
    self.privateKeyPEM = privateKeyPEM
    self.privateKey = try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem)
    self.certificate = certificate
  }

  /// The certificate as handshake field 6: Go's `base64.RawStdEncoding` (no `=` padding).
  public var handshakeField: String {
    var text = Data(certificateDER).base64EncodedString()
    while text.hasSuffix("=") { text.removeLast() }
    return text
  }
}
