/// Short, escaped, length-bounded renderings of strings and bytes for list rows and trees.
enum TextPreview {
  /// `text` in double quotes with control characters escaped, cut to `maxCharacters`
  /// characters with a trailing `…` when longer.
  static func quoted(_ text: some StringProtocol, maxCharacters: Int) -> String {
    var out = "\""
    var count = 0
    for char in text {
      if count >= maxCharacters {
        out += "…"
        break
      }
      out += escaped(char)
      count += 1
    }
    out += "\""
    return out
  }

  /// One character escaped for display inside double quotes.
  static func escaped(_ char: Character) -> String {
    switch char {
    case "\"": return "\\\""
    case "\\": return "\\\\"
    case "\n": return "\\n"
    case "\r": return "\\r"
    case "\r\n": return "\\r\\n"
    case "\t": return "\\t"
    default:
      if let scalar = char.unicodeScalars.first, char.unicodeScalars.count == 1,
        scalar.value < 0x20 || scalar.value == 0x7f
      {
        return "\\u{" + String(scalar.value, radix: 16) + "}"
      }
      return String(char)
    }
  }

  /// `5 bytes "hello"` for printable bytes, `4 bytes <de ad be ef>` otherwise, cut to
  /// `maxCharacters` characters of text or `maxHexBytes` bytes of hex; `0 bytes` when empty.
  static func bytes(_ prefix: some Collection<UInt8>, totalCount: Int, maxCharacters: Int, maxHexBytes: Int)
    -> String
  {
    let unit = totalCount == 1 ? "byte" : "bytes"
    guard totalCount > 0 else { return "0 bytes" }
    if let text = printableText(prefix, allowTruncatedTail: prefix.count < totalCount) {
      let cut = text.count > maxCharacters || prefix.count < totalCount
      var shown = quoted(text.prefix(maxCharacters), maxCharacters: maxCharacters)
      if cut, !shown.hasSuffix("…\"") {
        shown.removeLast()
        shown += "…\""
      }
      return "\(totalCount) \(unit) \(shown)"
    }
    let hexBytes = prefix.prefix(maxHexBytes)
    let more = totalCount > hexBytes.count ? " …" : ""
    return "\(totalCount) \(unit) <\(Hex.spaced(hexBytes))\(more)>"
  }

  /// Bytes shown without a length: `"text"` when printable, else `<de ad …>`.
  static func bytesInline(_ bytes: some Collection<UInt8>, maxCharacters: Int) -> String {
    if let text = printableText(bytes) {
      return quoted(text, maxCharacters: maxCharacters)
    }
    let shown = bytes.prefix(maxCharacters / 3)
    return "<\(Hex.spaced(shown))\(bytes.count > shown.count ? " …" : "")>"
  }

  /// The bytes as text when they are valid UTF-8 made only of printable characters (plus
  /// tab, CR, LF); nil otherwise. With `allowTruncatedTail` an incomplete UTF-8 sequence
  /// at the very end (cut by a prefix) is dropped instead of failing.
  static func printableText(_ bytes: some Collection<UInt8>, allowTruncatedTail: Bool = false) -> String? {
    var result = ""
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    var consumed = 0
    let total = bytes.count
    loop: while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar):
        guard isPrintable(scalar) else { return nil }
        result.unicodeScalars.append(scalar)
        consumed += UTF8.width(scalar)
      case .emptyInput:
        break loop
      case .error:
        // A cut multi-byte sequence can only sit in the last 3 bytes.
        if allowTruncatedTail, total - consumed <= 3 { break loop }
        return nil
      }
    }
    return result
  }

  /// Whether a scalar is shown as itself (not a control character or unassigned).
  static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x09, 0x0a, 0x0d: return true
    case 0..<0x20, 0x7f: return false
    case 0x80..<0xa0: return false
    default:
      switch scalar.properties.generalCategory {
      case .control, .unassigned, .surrogate, .privateUse: return false
      default: return true
      }
    }
  }

  /// Whether `bytes` look like human text: printable UTF-8 whose first character is not a
  /// control character (a protobuf message usually starts with a tag byte below 0x20).
  static func looksLikeText(_ bytes: some Collection<UInt8>) -> Bool {
    guard let first = bytes.first, first >= 0x20 else { return false }
    return isPrintableText(bytes)
  }

  /// Same test as `printableText(_:) != nil` without building a string (fast for ASCII).
  static func isPrintableText(_ bytes: some Collection<UInt8>) -> Bool {
    var ascii = true
    for byte in bytes {
      if byte >= 0x80 {
        ascii = false
        break
      }
      if byte == 0x7f || (byte < 0x20 && byte != 0x09 && byte != 0x0a && byte != 0x0d) { return false }
    }
    if ascii { return true }
    var iterator = bytes.makeIterator()
    var decoder = UTF8()
    while true {
      switch decoder.decode(&iterator) {
      case .scalarValue(let scalar):
        guard isPrintable(scalar) else { return false }
      case .emptyInput:
        return true
      case .error:
        return false
      }
    }
  }
}
