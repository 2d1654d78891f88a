import AutoMTLS

/// Checks field 6 of a handshake line the way Go's `x509.ParseCertificate` would.
enum DERCheck {
  /// nil when the bytes are a certificate Go parses, otherwise Go's error text.
  static func certificateProblem(_ der: [UInt8]) -> String? {
    do {
      _ = try PluginCertificate(der: der)
      return nil
    } catch {
      return error.description
    }
  }
}
