import Foundation

/// Text forms of the well-known types in protobuf's JSON mapping: Timestamp as RFC 3339,
/// Duration as seconds with an `s`, FieldMask as comma-separated lowerCamelCase paths.
enum WellKnownText {
  /// Seconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z (the valid Timestamp range).
  static let minSeconds: Int64 = -62_135_596_800
  static let maxSeconds: Int64 = 253_402_300_799

  /// `1972-01-01T10:00:20.021Z`: 0, 3, 6 or 9 fraction digits; nil when out of range.
  static func timestamp(seconds: Int64, nanos: Int32) -> String? {
    guard seconds >= minSeconds, seconds <= maxSeconds, nanos >= 0, nanos < 1_000_000_000 else { return nil }
    let days = floorDiv(seconds, 86_400)
    let secondOfDay = seconds - days * 86_400
    let (year, month, day) = civil(fromDays: days)
    let text =
      pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2) + "T" + pad(secondOfDay / 3600, 2) + ":"
      + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
    return text + fraction(nanos) + "Z"
  }

  /// `1.5s`, `-0.000001s`; nil when out of range (±315,576,000,000 s) or the signs disagree.
  static func duration(seconds: Int64, nanos: Int32) -> String? {
    guard abs(seconds) <= 315_576_000_000, abs(nanos) < 1_000_000_000,
      !(seconds > 0 && nanos < 0), !(seconds < 0 && nanos > 0)
    else { return nil }
    let negative = seconds < 0 || nanos < 0
    return (negative ? "-" : "") + String(abs(seconds)) + fraction(abs(nanos)) + "s"
  }

  /// `["user.display_name", "b"]` → `user.displayName,b`.
  static func fieldMask(_ paths: [String]) -> String {
    paths.map { path in
      var out = ""
      var upper = false
      for char in path {
        if char == "_" {
          upper = true
        } else {
          out += upper ? char.uppercased() : String(char)
          upper = false
        }
      }
      return out
    }.joined(separator: ",")
  }

  /// `.021`, `.000001`, `.000000001` or empty.
  private static func fraction(_ nanos: Int32) -> String {
    guard nanos != 0 else { return "" }
    if nanos % 1_000_000 == 0 { return "." + pad(Int64(nanos / 1_000_000), 3) }
    if nanos % 1000 == 0 { return "." + pad(Int64(nanos / 1000), 6) }
    return "." + pad(Int64(nanos), 9)
  }

  private static func pad(_ value: Int64, _ width: Int) -> String {
    let text = String(value)
    return String(repeating: "0", count: max(0, width - text.count)) + text
  }

  private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    a >= 0 ? a / b : -((-a + b - 1) / b)
  }

  /// Days since 1970-01-01 → (year, month, day), Howard Hinnant's algorithm.
  private static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let y = yoe + era * 400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (m <= 2 ? y + 1 : y, m, d)
  }
}
