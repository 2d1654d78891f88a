/// Parsing the well-known types' JSON strings (the inverse of `WellKnownText`).
enum WellKnownParsing {
  /// Types whose JSON form is not an object of their fields (inside an Any they go in `"value"`).
  static func hasSpecialJSON(_ type: String) -> Bool {
    [
      "google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.FieldMask", "google.protobuf.Struct",
      "google.protobuf.Value", "google.protobuf.ListValue", "google.protobuf.DoubleValue", "google.protobuf.FloatValue",
      "google.protobuf.Int64Value", "google.protobuf.UInt64Value", "google.protobuf.Int32Value",
      "google.protobuf.UInt32Value", "google.protobuf.BoolValue", "google.protobuf.StringValue",
      "google.protobuf.BytesValue",
    ].contains(type)
  }

  /// `2024-05-01T12:30:45.123Z` or with an offset (`+02:00`) → seconds and nanos since the epoch.
  static func timestamp(_ text: String) -> (Int64, Int32)? {
    let chars = Array(text.utf8)
    func number(_ range: Range<Int>) -> Int64? {
      guard range.upperBound <= chars.count else { return nil }
      var value: Int64 = 0
      for c in chars[range] {
        guard c >= 48, c <= 57 else { return nil }
        value = value * 10 + Int64(c - 48)
      }
      return value
    }
    guard chars.count >= 20, chars[4] == UInt8(ascii: "-"), chars[7] == UInt8(ascii: "-"),
      chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: "t"), chars[13] == UInt8(ascii: ":"),
      chars[16] == UInt8(ascii: ":"),
      let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
      let minute = number(14..<16), let second = number(17..<19),
      (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
    else { return nil }
    var index = 19
    var nanos: Int64 = 0
    if index < chars.count, chars[index] == UInt8(ascii: ".") {
      index += 1
      var digits = 0
      while index < chars.count, chars[index] >= 48, chars[index] <= 57 {
        guard digits < 9 else { return nil }
        nanos = nanos * 10 + Int64(chars[index] - 48)
        digits += 1
        index += 1
      }
      guard digits > 0 else { return nil }
      for _ in digits..<9 { nanos *= 10 }
    }
    guard index < chars.count else { return nil }
    var offset: Int64 = 0
    if chars[index] == UInt8(ascii: "Z") || chars[index] == UInt8(ascii: "z") {
      index += 1
    } else if chars[index] == UInt8(ascii: "+") || chars[index] == UInt8(ascii: "-") {
      let sign: Int64 = chars[index] == UInt8(ascii: "-") ? -1 : 1
      guard index + 6 == chars.count, chars[index + 3] == UInt8(ascii: ":"),
        let hours = number(index + 1..<index + 3), let minutes = number(index + 4..<index + 6)
      else { return nil }
      offset = sign * (hours * 3600 + minutes * 60)
      index += 6
    } else {
      return nil
    }
    guard index == chars.count else { return nil }
    let seconds = days(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60 + second - offset
    guard seconds >= WellKnownText.minSeconds, seconds <= WellKnownText.maxSeconds else { return nil }
    return (seconds, Int32(nanos))
  }

  /// `1.5s`, `-0.000001s`, `3s` → seconds and nanos (same sign).
  static func duration(_ text: String) -> (Int64, Int32)? {
    guard text.hasSuffix("s") else { return nil }
    var body = Substring(text.dropLast())
    let negative = body.hasPrefix("-")
    if negative { body = body.dropFirst() }
    let parts = body.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCII),
      let seconds = Int64(whole), seconds <= 315_576_000_000
    else { return nil }
    var nanos: Int64 = 0
    if parts.count == 2 {
      let fraction = parts[1]
      guard !fraction.isEmpty, fraction.count <= 9, fraction.allSatisfy({ $0.isASCII && $0.isNumber }),
        let digits = Int64(fraction)
      else { return nil }
      nanos = digits
      for _ in fraction.count..<9 { nanos *= 10 }
    }
    return negative ? (-seconds, Int32(-nanos)) : (seconds, Int32(nanos))
  }

  /// `user.displayName` → `user.display_name`.
  static func snakeCase(_ path: String) -> String {
    var out = ""
    for char in path {
      if char.isUppercase {
        out += "_" + char.lowercased()
      } else {
        out.append(char)
      }
    }
    return out
  }

  /// Days since 1970-01-01 (proleptic Gregorian), Howard Hinnant's algorithm.
  private static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }
}
