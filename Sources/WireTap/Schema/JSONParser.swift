/// A strict JSON parser (RFC 8259) into `JSONValue`, keeping object key order and number text,
/// for `call`'s argument; errors say where and what.
struct JSONParser {
  /// Why the text is not JSON.
  struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
    /// Character offset.
    var offset: Int
    var reason: String
    var description: String { "not valid JSON at character \(offset + 1): \(reason)" }
  }

  private let scalars: [Unicode.Scalar]
  private var position = 0
  private static let maxDepth = 100

  private init(_ text: String) { scalars = Array(text.unicodeScalars) }

  /// Parses a whole document.
  static func parse(_ text: String) throws(Failure) -> JSONValue {
    var parser = JSONParser(text)
    let value = try parser.value(depth: 0)
    parser.skipSpace()
    guard parser.position == parser.scalars.count else { throw parser.failure("unexpected text after the value") }
    return value
  }

  private func failure(_ reason: String) -> Failure { Failure(offset: position, reason: reason) }

  private mutating func skipSpace() {
    while position < scalars.count, [" ", "\n", "\r", "\t"].contains(scalars[position]) { position += 1 }
  }

  private mutating func value(depth: Int) throws(Failure) -> JSONValue {
    guard depth < Self.maxDepth else { throw failure("nested more than \(Self.maxDepth) levels") }
    skipSpace()
    guard position < scalars.count else { throw failure("the text ends where a value should be") }
    switch scalars[position] {
    case "{": return try object(depth: depth)
    case "[": return try array(depth: depth)
    case "\"": return .string(try string())
    case "t": return try literal("true", .bool(true))
    case "f": return try literal("false", .bool(false))
    case "n": return try literal("null", .null)
    default: return try number()
    }
  }

  private mutating func literal(_ word: String, _ value: JSONValue) throws(Failure) -> JSONValue {
    let expected = Array(word.unicodeScalars)
    guard position + expected.count <= scalars.count, Array(scalars[position..<position + expected.count]) == expected
    else { throw failure("expected a value (a string needs double quotes)") }
    position += expected.count
    return value
  }

  private mutating func object(depth: Int) throws(Failure) -> JSONValue {
    position += 1
    var members: [(String, JSONValue)] = []
    skipSpace()
    if position < scalars.count, scalars[position] == "}" {
      position += 1
      return .object(members)
    }
    while true {
      skipSpace()
      guard position < scalars.count, scalars[position] == "\"" else {
        throw failure("expected a member name in double quotes")
      }
      let key = try string()
      skipSpace()
      guard position < scalars.count, scalars[position] == ":" else { throw failure("expected ':' after \"\(key)\"") }
      position += 1
      members.append((key, try value(depth: depth + 1)))
      skipSpace()
      guard position < scalars.count else { throw failure("the object is not closed with '}'") }
      if scalars[position] == "," {
        position += 1
        continue
      }
      guard scalars[position] == "}" else { throw failure("expected ',' or '}'") }
      position += 1
      return .object(members)
    }
  }

  private mutating func array(depth: Int) throws(Failure) -> JSONValue {
    position += 1
    var elements: [JSONValue] = []
    skipSpace()
    if position < scalars.count, scalars[position] == "]" {
      position += 1
      return .array(elements)
    }
    while true {
      elements.append(try value(depth: depth + 1))
      skipSpace()
      guard position < scalars.count else { throw failure("the array is not closed with ']'") }
      if scalars[position] == "," {
        position += 1
        continue
      }
      guard scalars[position] == "]" else { throw failure("expected ',' or ']'") }
      position += 1
      return .array(elements)
    }
  }

  private mutating func string() throws(Failure) -> String {
    position += 1
    var out = String.UnicodeScalarView()
    while position < scalars.count {
      let scalar = scalars[position]
      position += 1
      switch scalar {
      case "\"": return String(out)
      case "\\":
        guard position < scalars.count else { break }
        let escape = scalars[position]
        position += 1
        switch escape {
        case "\"", "\\", "/": out.append(escape)
        case "b": out.append("\u{08}")
        case "f": out.append("\u{0C}")
        case "n": out.append("\n")
        case "r": out.append("\r")
        case "t": out.append("\t")
        case "u":
          var code = try hex4()
          if (0xD800..<0xDC00).contains(code), position + 1 < scalars.count, scalars[position] == "\\",
            scalars[position + 1] == "u"
          {
            position += 2
            let low = try hex4()
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          }
          guard let decoded = Unicode.Scalar(code) else { throw failure("\\u escape is not a character") }
          out.append(decoded)
        default: throw failure("unknown escape \\\(escape)")
        }
      default:
        guard scalar.value >= 0x20 else { throw failure("control character in a string") }
        out.append(scalar)
      }
    }
    throw failure("the string is not closed with '\"'")
  }

  private mutating func hex4() throws(Failure) -> UInt32 {
    guard position + 4 <= scalars.count else { throw failure("\\u needs 4 hex digits") }
    var code: UInt32 = 0
    for _ in 0..<4 {
      guard scalars[position].isASCII, let digit = UInt32(String(scalars[position]), radix: 16) else {
        throw failure("\\u needs 4 hex digits")
      }
      code = code << 4 | digit
      position += 1
    }
    return code
  }

  private mutating func number() throws(Failure) -> JSONValue {
    let start = position
    func digits() -> Int {
      let from = position
      while position < scalars.count, ("0"..."9").contains(scalars[position]) { position += 1 }
      return position - from
    }
    if position < scalars.count, scalars[position] == "-" { position += 1 }
    guard digits() > 0 else { throw Failure(offset: start, reason: "expected a value (a string needs double quotes)") }
    if position < scalars.count, scalars[position] == "." {
      position += 1
      guard digits() > 0 else { throw failure("expected digits after '.'") }
    }
    if position < scalars.count, scalars[position] == "e" || scalars[position] == "E" {
      position += 1
      if position < scalars.count, scalars[position] == "+" || scalars[position] == "-" { position += 1 }
      guard digits() > 0 else { throw failure("expected digits in the exponent") }
    }
    return .number(String(String.UnicodeScalarView(scalars[start..<position])))
  }
}

extension JSONValue {
  /// Parses JSON text; the error says where it stops being JSON.
  public static func parse(_ text: String) throws -> JSONValue {
    try JSONParser.parse(text)
  }
}
