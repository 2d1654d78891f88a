/// Decoding of the percent-encoded `grpc-message` trailer (gRPC over HTTP/2 spec).
public enum PercentDecoding {
  /// Replaces each `%XX` with the byte it encodes and reads the result as UTF-8 (invalid
  /// sequences become U+FFFD); a `%` not followed by two hex digits is kept as is.
  public static func decode(_ text: String) -> String {
    let bytes = Array(text.utf8)
    guard bytes.contains(UInt8(ascii: "%")) else { return text }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
      if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
        let high = Hex.value(of: bytes[index + 1]), let low = Hex.value(of: bytes[index + 2])
      {
        out.append(high << 4 | low)
        index += 3
      } else {
        out.append(bytes[index])
        index += 1
      }
    }
    return String(decoding: out, as: UTF8.self)
  }
}
