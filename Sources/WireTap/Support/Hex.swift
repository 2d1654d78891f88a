/// Lower-case hexadecimal encoding of bytes (used for payload views and JSON export).
public enum Hex {
  private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

  /// The bytes as contiguous lower-case hex digits, e.g. `[0x02, 0xff]` → `"02ff"`.
  public static func encode(_ bytes: some Sequence<UInt8>) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.underestimatedCount * 2)
    for byte in bytes {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// The bytes as hex pairs separated by spaces, e.g. `"de ad be ef"`.
  public static func spaced(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { encode([$0]) }.joined(separator: " ")
  }

  /// Parses contiguous hex digits (either case); nil if the text is not valid hex.
  public static func decode(_ text: String) -> [UInt8]? {
    let chars = Array(text.utf8)
    guard chars.count % 2 == 0 else { return nil }
    var out: [UInt8] = []
    out.reserveCapacity(chars.count / 2)
    var index = 0
    while index < chars.count {
      guard let high = value(of: chars[index]), let low = value(of: chars[index + 1]) else {
        return nil
      }
      out.append(high << 4 | low)
      index += 2
    }
    return out
  }

  /// The value of one hex digit, or nil.
  static func value(of char: UInt8) -> UInt8? {
    switch char {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): char - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): char - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): char - UInt8(ascii: "A") + 10
    default: nil
    }
  }
}
