import NIOSSL

/// TLS settings of go-plugin's AutoMTLS (docs/protocol.md §9.2): TLS 1.2 or later, both sides present
/// and verify a certificate, the peer's single certificate is the only trusted root, name `localhost`.
///
/// BoringSSL leaves ECDSA P-521 signatures out of its default lists, but go-plugin's certificates
/// are always P-521, so the lists are given here with P-521 added (docs/protocol.md §9.3).
public enum AutoMTLSContext {
  /// The signature algorithms offered and accepted: BoringSSL's defaults plus ECDSA P-521.
  public static let signatureAlgorithms: [SignatureAlgorithm] = [
    .ecdsaSecp256R1Sha256, .rsaPssRsaeSha256, .rsaPkcs1Sha256, .ed25519,
    .ecdsaSecp384R1Sha384, .rsaPssRsaeSha384, .rsaPkcs1Sha384,
    .ecdsaSecp521R1Sha512, .rsaPssRsaeSha512, .rsaPkcs1Sha512,
  ]

  /// Application protocols: HTTP/2 (grpc-go requires ALPN `h2` since 1.67).
  public static let applicationProtocols = ["h2"]

  /// The host side: present `identity` (nil: no client certificate, to see whether the plugin
  /// insists on one), trust only the plugin's certificate (field 6, DER).
  public static func client(identity: AutoMTLSIdentity?, trustingServerCertificateDER der: [UInt8]) throws
    -> NIOSSLContext
  {
    var configuration = TLSConfiguration.makeClientConfiguration()
    configuration.minimumTLSVersion = .tlsv12
    configuration.certificateVerification = .fullVerification
    configuration.trustRoots = .certificates([try NIOSSLCertificate(bytes: der, format: .der)])
    if let identity {
      configuration.certificateChain = [.certificate(identity.certificate)]
      configuration.privateKey = .privateKey(identity.privateKey)
    }
    configuration.verifySignatureAlgorithms = signatureAlgorithms
    configuration.signingSignatureAlgorithms = signatureAlgorithms
    configuration.applicationProtocols = applicationProtocols
    return try NIOSSLContext(configuration: configuration)
  }

  /// The plugin side: present `identity`, require a client certificate and trust only the
  /// host's (`PLUGIN_CLIENT_CERT`, PEM).
  public static func server(identity: AutoMTLSIdentity, trustingClientCertificatePEM pem: String) throws
    -> NIOSSLContext
  {
    var configuration = TLSConfiguration.makeServerConfiguration(
      certificateChain: [.certificate(identity.certificate)], privateKey: .privateKey(identity.privateKey))
    configuration.minimumTLSVersion = .tlsv12
    configuration.certificateVerification = .noHostnameVerification
    configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)))
    configuration.verifySignatureAlgorithms = signatureAlgorithms
    configuration.signingSignatureAlgorithms = signatureAlgorithms
    configuration.applicationProtocols = applicationProtocols
    return try NIOSSLContext(configuration: configuration)
  }

  /// The name a host verifies in the plugin's certificate.
  public static let serverHostname = "localhost"
}
