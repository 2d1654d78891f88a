import Foundation
import PluginHost

/// The handshake line `wrap` prints to the host: the plugin's own line with the address (field 4)
/// pointing at wrap's relay and, under AutoMTLS, wrap's certificate in field 6. Every other field
/// stays as the plugin printed it, a trailing `|` included.
public struct WrapHandshake: Sendable, Equatable {
  /// The network (field 3): `tcp` or `unix`.
  public var network: String
  /// The plugin's address (field 4).
  public var address: String
  /// The plugin's certificate (field 6), if any.
  public var certificate: String?
  private var fields: [String]

  /// Splits a line the way go-plugin's client does (`strings.SplitN(line, "|", 6)` after
  /// trimming); nil when it is not a line wrap can point elsewhere (fewer than four fields, or a
  /// network other than tcp and unix): such a line goes to the host unchanged.
  public init?(_ line: String) {
    let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
    var parts: [String] = []
    var rest = Substring(trimmed)
    while parts.count < 5, let bar = rest.firstIndex(of: "|") {
      parts.append(String(rest[..<bar]))
      rest = rest[rest.index(after: bar)...]
    }
    parts.append(String(rest))
    guard parts.count >= 4, parts[2] == "tcp" || parts[2] == "unix" else { return nil }
    fields = parts
    network = parts[2]
    address = parts[3]
    certificate = parts.count > 5 && !parts[5].isEmpty ? parts[5] : nil
  }

  /// The certificate's DER bytes (field 6 is Go's `base64.RawStdEncoding`, without padding).
  public var certificateDER: [UInt8]? {
    guard var text = certificate else { return nil }
    while text.count % 4 != 0 { text += "=" }
    return Data(base64Encoded: text).map { Array($0) }
  }

  /// The line with `address` in field 4 and, when given, `certificate` in field 6.
  public func rewritten(address: String, certificate: String? = nil) -> String {
    var parts = fields
    parts[3] = address
    if let certificate {
      while parts.count < 6 { parts.append("") }
      parts[5] = certificate
    }
    return parts.joined(separator: "|")
  }
}
