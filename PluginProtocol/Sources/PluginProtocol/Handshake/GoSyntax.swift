import Foundation

/// Small re-implementations of the Go standard library behaviour go-plugin relies on, so
/// that plugin-dev accepts and rejects exactly what a Go host does, with Go's wording.
enum GoSyntax {
  /// Go's `strconv.Atoi`: optional sign, decimal digits only, 64-bit range.
  static func atoi(_ text: String) -> Result<Int, AtoiError> {
    var digits = Substring(text)
    var negative = false
    if let first = digits.first, first == "+" || first == "-" {
      negative = first == "-"
      digits = digits.dropFirst()
    }
    guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
      return .failure(AtoiError(text: text, reason: "invalid syntax"))
    }
    var value = 0
    for ch in digits.utf8 {
      let (m, o1) = value.multipliedReportingOverflow(by: 10)
      let (a, o2) = m.addingReportingOverflow(Int(ch - 48))
      if o1 || o2 {
        // Go reports the minimum as in range; everything else overflowing is out of range.
        if negative, digits.utf8.count >= 19, "-" + digits == String(Int.min) { return .success(Int.min) }
        return .failure(AtoiError(text: text, reason: "value out of range"))
      }
      value = a
    }
    return .success(negative ? -value : value)
  }

  /// Go's `strconv.ParseBool`.
  static func parseBool(_ text: String) -> Bool? {
    switch text {
    case "1", "t", "T", "TRUE", "true", "True": return true
    case "0", "f", "F", "FALSE", "false", "False": return false
    default: return nil
    }
  }

  /// Go's `fmt` rendering of a `[]int`: `[1 2 3]`.
  static func list<T>(_ values: [T]) -> String {
    "[" + values.map { "\($0)" }.joined(separator: " ") + "]"
  }

  /// Go's `base64.RawStdEncoding.DecodeString`: standard alphabet, no `=` padding.
  /// Returns the bytes or Go's error text (`illegal base64 data at input byte N`).
  static func rawStdBase64Decode(_ text: String) -> Result<[UInt8], Base64Error> {
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count * 3 / 4)
    var accumulator: UInt32 = 0
    var bits = 0
    var index = 0
    var count = 0
    for byte in text.utf8 {
      defer { index += 1 }
      if byte == 0x0A || byte == 0x0D { continue }  // Go ignores newlines
      let value: UInt8
      switch byte {
      case 0x41...0x5A: value = byte - 0x41
      case 0x61...0x7A: value = byte - 0x61 + 26
      case 0x30...0x39: value = byte - 0x30 + 52
      case 0x2B: value = 62
      case 0x2F: value = 63
      default: return .failure(Base64Error(offset: index))
      }
      count += 1
      accumulator = (accumulator << 6) | UInt32(value)
      bits += 6
      if bits >= 8 {
        bits -= 8
        out.append(UInt8((accumulator >> UInt32(bits)) & 0xFF))
      }
    }
    // A single leftover symbol cannot encode a byte.
    if count % 4 == 1 { return .failure(Base64Error(offset: text.utf8.count - 1)) }
    return .success(out)
  }

  /// The text of a Go `strconv.Atoi` failure.
  struct AtoiError: Error, Equatable {
    var text: String
    var reason: String
    var description: String { "strconv.Atoi: parsing \(goQuote(text)): \(reason)" }
  }

  /// The text of a Go base64 failure.
  struct Base64Error: Error, Equatable {
    var offset: Int
    var description: String { "illegal base64 data at input byte \(offset)" }
  }

  /// Go's `%q` for plain text (quotes, backslashes and control characters escaped).
  static func goQuote(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20 || scalar.value == 0x7F:
        out += String(format: "\\x%02x", scalar.value)
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }
}
