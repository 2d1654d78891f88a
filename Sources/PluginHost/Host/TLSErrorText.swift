/// TLS failures as a line of text.
public enum TLSErrorText {
  /// BoringSSL's reason codes from a NIOSSL error (`SSLV3_ALERT_HANDSHAKE_FAILURE, …`), else the text itself.
  public static func compact(_ text: String) -> String {
    var reasons: [String] = []
    var rest = Substring(text)
    while let marker = rest.range(of: "OPENSSL_internal:") {
      let tail = rest[marker.upperBound...]
      let reason = tail.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
      if !reason.isEmpty, !reasons.contains(String(reason)) { reasons.append(String(reason)) }
      rest = tail
    }
    guard !reasons.isEmpty else { return text }
    let kind = text.hasPrefix("handshakeFailed") ? "handshake failed: " : ""
    return kind + reasons.joined(separator: ", ")
  }
}
