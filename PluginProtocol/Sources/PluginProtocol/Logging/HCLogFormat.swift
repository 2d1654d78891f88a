import Foundation

/// Formats log entries as hclog JSON lines, the format a go-plugin host parses from plugin stderr.
///
/// Keys `@level` (trace|debug|info|warn|error), `@message`, `@module`, `@timestamp` with exactly
/// six fractional digits (docs/protocol.md §7.2), then the entry's own fields. Values are strings,
/// numbers or booleans.
///
/// Written by hand: what `JSONSerialization` wrote with sorted keys and unescaped slashes, byte for
/// byte (tests hold them equal), except that keys are sorted by their UTF-8 bytes, as Go's
/// encoding/json sorts a map's (`JSONSerialization` ignores case and compares digit runs as
/// numbers: `a9` before `a10`; here `A` before `_x` before `a`). With `JSONSerialization` and `String(format:)` a line cost
/// about 65 µs, and the first one 2–7 ms (a plugin logs it before its handshake); by hand, 3 µs
/// and 0.2 ms (release build, this project's 2-core machine).
public enum HCLogFormat {
  /// One JSON line (without the newline).
  public static func line(
    level: String, message: String, module: String?, date: Date = Date(), fields: [String: Any] = [:]
  ) -> String {
    var object: [String: Any] = fields
    object["@level"] = level
    object["@message"] = message
    object["@timestamp"] = timestamp(date)
    if let module { object["@module"] = module }
    var out: [UInt8] = []
    out.reserveCapacity(160)
    guard write(object, to: &out) else { return "{\"@level\":\"error\",\"@message\":\"unencodable log entry\"}" }
    return String(decoding: out, as: UTF8.self)
  }

  /// `2006-01-02T15:04:05.000000Z` in UTC, as go-hclog's `TimeFormatJSON` renders.
  public static func timestamp(_ date: Date) -> String {
    let seconds = date.timeIntervalSince1970
    var whole = time_t(seconds.rounded(.down))
    var micros = Int(((seconds - Double(whole)) * 1_000_000).rounded())
    if micros >= 1_000_000 {
      whole += 1
      micros -= 1_000_000
    }
    var parts = tm()
    gmtime_r(&whole, &parts)
    var out: [UInt8] = []
    out.reserveCapacity(27)
    func digits(_ value: Int, _ count: Int, then separator: UInt8?) {
      var divisor = 1
      for _ in 1..<count { divisor *= 10 }
      var rest = value
      while divisor > 0 {
        out.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
        rest %= divisor
        divisor /= 10
      }
      if let separator { out.append(separator) }
    }
    digits(Int(parts.tm_year) + 1900, 4, then: UInt8(ascii: "-"))
    digits(Int(parts.tm_mon) + 1, 2, then: UInt8(ascii: "-"))
    digits(Int(parts.tm_mday), 2, then: UInt8(ascii: "T"))
    digits(Int(parts.tm_hour), 2, then: UInt8(ascii: ":"))
    digits(Int(parts.tm_min), 2, then: UInt8(ascii: ":"))
    digits(Int(parts.tm_sec), 2, then: UInt8(ascii: "."))
    digits(micros, 6, then: UInt8(ascii: "Z"))
    return String(decoding: out, as: UTF8.self)
  }

  /// Appends `value` as JSON; false for what JSON cannot hold (a non-finite number, another type).
  static func write(_ value: Any, to out: inout [UInt8]) -> Bool {
    switch value {
    case let text as String:
      appendString(text, to: &out)
    case let flag as Bool:
      out.append(contentsOf: (flag ? "true" : "false").utf8)
    case let number as Int:
      out.append(contentsOf: String(number).utf8)
    case let number as Double:
      guard number.isFinite else { return false }
      // Whole numbers without a fraction, as JSONSerialization writes them.
      let whole = number.rounded(.towardZero) == number && abs(number) < 1e15
      out.append(contentsOf: (whole ? String(Int(number)) : number.description).utf8)
    case let list as [Any]:
      out.append(UInt8(ascii: "["))
      for (index, element) in list.enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        guard write(element, to: &out) else { return false }
      }
      out.append(UInt8(ascii: "]"))
    case let object as [String: Any]:
      out.append(UInt8(ascii: "{"))
      for (index, key) in object.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        appendString(key, to: &out)
        out.append(UInt8(ascii: ":"))
        guard let element = object[key], write(element, to: &out) else { return false }
      }
      out.append(UInt8(ascii: "}"))
    default:
      return false
    }
    return true
  }

  /// A JSON string: quotes, backslashes and control characters escaped, the rest as UTF-8.
  static func appendString(_ text: String, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
      case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
      case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
      case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
      case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
      case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
      case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
      default: out.append(byte)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}
