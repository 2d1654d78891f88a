import AutoMTLS

/// A handshake line as text output shows it: field 6, a certificate of 500–1,000 base64
/// characters, shortened to what it is (`CERT(528 bytes DER, RSA 1024, CN=localhost, until
/// 2026-12-14)`), every other field as the plugin printed it. Logs and `--json` keep the line whole.
public enum HandshakeText {
  /// `raw` with a certificate in field 6 described instead of quoted.
  public static func shortened(_ raw: String) -> String {
    var fields = raw.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
    guard fields.count >= 6, fields[5].utf8.count > HandshakeLine.certificateFieldThreshold else { return raw }
    fields[5] = "CERT(\(describe(fields[5])))"
    return fields.joined(separator: "|")
  }

  /// What field 6 holds: the certificate's summary, or why it is none.
  public static func describe(_ field: String) -> String {
    switch GoSyntax.rawStdBase64Decode(field) {
    case .failure(let error):
      return "\(field.utf8.count) base64 characters, not valid: \(error.description)"
    case .success(let der):
      do {
        return try PluginCertificate(der: der).summary
      } catch {
        return "\(der.count) bytes, not a certificate: \(error.description)"
      }
    }
  }
}
