import X509

/// Checks field 6 of a handshake line the way Go's `x509.ParseCertificate` would.
enum DERCheck {
  /// nil when the bytes are a certificate, otherwise a Go-like error text.
  static func certificateProblem(_ der: [UInt8]) -> String? {
    do {
      let certificate = try Certificate(derEncoded: der)
      _ = certificate
      return nil
    } catch {
      return "x509: malformed certificate (\(error))"
    }
  }
}
