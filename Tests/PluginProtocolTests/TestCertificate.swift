import Foundation

/// A self-signed P-256 certificate for localhost (made with openssl for these tests).
enum TestCertificate {
  static let der =
    Data(
      base64Encoded:
        "MIIBxzCCAW2gAwIBAgIUBzW1q6XqnVpBjbzGkNDpB5G7Z1swCgYIKoZIzj0EAwIwLjESMBAGA1UEAwwJbG9jYWxob3N0MRgwFgYDVQQKDA9wbHVnaW4tZGV2IHRlc3QwHhcNMjYxMTI3MTc1NDEyWhcNMzYxMTI0MTc1NDEyWjAuMRIwEAYDVQQDDAlsb2NhbGhvc3QxGDAWBgNVBAoMD3BsdWdpbi1kZXYgdGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABGP8V5v7nUp2sLmJEmr4pLh7LufqER9kBiiQwX3qNligIPEv+CW7/hBYJReRkMsiP1zoT4DKZIxaw6CMrLxhmgWjaTBnMB0GA1UdDgQWBBTdrZRw5QAVO6dzoFFFgS109ULAOTAfBgNVHSMEGDAWgBTdrZRw5QAVO6dzoFFFgS109ULAOTAPBgNVHRMBAf8EBTADAQH/MBQGA1UdEQQNMAuCCWxvY2FsaG9zdDAKBggqhkjOPQQDAgNIADBFAiEAlJay2ghCtSj6BRdKxS9BtwU5tgxs7dAqQzqXEQYGqUECICmRd2C+1Abl3MPoIMNp6U0MXYwq90N4sg+Dr9WaImfO"
    ) ?? Data()

  /// The certificate as handshake field 6 (RawStdEncoding: no padding).
  static let field = der.base64EncodedString().replacingOccurrences(of: "=", with: "")
}
