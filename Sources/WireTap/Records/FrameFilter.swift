import Traffic

/// A parsed frame-list query: every term must match (AND).
///
/// Syntax (case-insensitive, terms separated by spaces, `"quoted text"` allowed):
/// - free text: matches the summary or the method
/// - `method:Put`: the method path contains `Put`
/// - `stream:3` (or `stream:1,3`): the stream id is one of these
/// - `type:HEADERS` (or `type:data,headers`): the frame type starts with one of these
/// - `dir:in` / `dir:>` / `>`: host→plugin; `dir:out` / `dir:<` / `<`: plugin→host
/// - `conn:2`: the connection number
/// - `is:error`: decode errors, non-zero grpc-status, RST_STREAM/GOAWAY with an error code
/// - a leading `-` negates a term: `-type:PING`
public struct FrameFilter: Sendable, Hashable {
  /// One condition.
  public enum Term: Sendable, Hashable {
    /// Lower-cased text found in the summary or method.
    case text(String)
    /// Lower-cased text found in the method path.
    case method(String)
    /// Stream ids.
    case stream(Set<UInt32>)
    /// Upper-cased frame type prefixes.
    case type([String])
    /// Direction.
    case direction(Direction)
    /// Connection numbers.
    case connection(Set<Int>)
    /// Errors of any kind.
    case error
  }

  /// A term, possibly negated.
  public struct Clause: Sendable, Hashable {
    /// The condition.
    public var term: Term
    /// Whether the record must *not* match it.
    public var negated: Bool
  }

  /// All clauses; a record must satisfy each.
  public var clauses: [Clause]
  /// Terms that could not be understood (e.g. `stream:abc`); they are ignored.
  public var problems: [String]

  /// The filter that matches everything.
  public init() {
    clauses = []
    problems = []
  }

  /// Parses a query string (see the type's documentation for the syntax).
  public init(_ query: String) {
    clauses = []
    problems = []
    for token in Self.tokenize(query) {
      var word = token.text
      var negated = false
      if word.count > 1, word.hasPrefix("-") {
        negated = true
        word.removeFirst()
      }
      if token.quoted {
        clauses.append(Clause(term: .text(word.lowercased()), negated: negated))
        continue
      }
      switch parseTerm(word) {
      case .success(let term): clauses.append(Clause(term: term, negated: negated))
      case .failure(let problem): problems.append(problem.text)
      }
    }
  }

  /// Whether the filter has no clauses (matches everything).
  public var isEmpty: Bool { clauses.isEmpty }

  /// Whether `record` satisfies every clause. Free text is looked for in the summary and the
  /// method, ignoring case; a record's summary is only read (and its messages decoded) when
  /// the filter has free text.
  public func matches(_ record: FrameRecord) -> Bool {
    for clause in clauses where matches(clause.term, record) == clause.negated {
      return false
    }
    return true
  }

  /// Whether `text` contains `needle` (lower case), ignoring the case of ASCII letters; a needle
  /// with other letters is looked for in `text.lowercased()`.
  static func containsIgnoringCase(_ text: String, _ needle: String) -> Bool {
    var needle = needle
    if !needle.utf8.allSatisfy({ $0 < 0x80 }) {
      var lowered = text.lowercased()
      return lowered.withUTF8 { hay in needle.withUTF8 { contains(hay, $0, foldingASCII: false) } }
    }
    var text = text
    return text.withUTF8 { hay in needle.withUTF8 { contains(hay, $0, foldingASCII: true) } }
  }

  private func matches(_ term: Term, _ record: FrameRecord) -> Bool {
    switch term {
    case .text(let needle):
      if let method = record.method, Self.containsIgnoringCase(method, needle) { return true }
      return Self.containsIgnoringCase(record.summary, needle)
    case .method(let needle):
      guard let method = record.method else { return false }
      return Self.containsIgnoringCase(method, needle)
    case .stream(let ids):
      return ids.contains(record.streamID)
    case .type(let prefixes):
      return prefixes.contains { record.type.hasPrefix($0) }
    case .direction(let direction):
      return record.direction == direction
    case .connection(let ids):
      return ids.contains(record.connection)
    case .error:
      if record.kind == .decodeError { return true }
      if let status = record.grpcStatus, status != 0 { return true }
      if let code = record.errorCode, code != HTTP2ErrorCode.noError.name { return true }
      return false
    }
  }

  /// Substring search on bytes; with `foldingASCII`, `A`–`Z` in `haystack` match `a`–`z` in `needle`.
  static func contains(
    _ haystack: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>, foldingASCII: Bool
  ) -> Bool {
    guard let first = needle.first else { return true }
    let count = needle.count
    guard haystack.count >= count else { return false }
    @inline(__always) func fold(_ byte: UInt8) -> UInt8 {
      foldingASCII && byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
    var index = 0
    let last = haystack.count - count
    while index <= last {
      if fold(haystack[index]) == first {
        var offset = 1
        while offset < count, fold(haystack[index + offset]) == needle[offset] { offset += 1 }
        if offset == count { return true }
      }
      index += 1
    }
    return false
  }

  // MARK: Parsing

  private struct Problem: Error {
    var text: String
  }

  private func parseTerm(_ word: String) -> Result<Term, Problem> {
    switch word {
    case ">": return .success(.direction(.hostToPlugin))
    case "<": return .success(.direction(.pluginToHost))
    default: break
    }
    guard let colon = word.firstIndex(of: ":"), colon != word.startIndex else {
      return .success(.text(word.lowercased()))
    }
    let key = word[..<colon].lowercased()
    let value = String(word[word.index(after: colon)...])
    let values = value.split(separator: ",").map(String.init)
    switch key {
    case "method", "m":
      guard !value.isEmpty else { return .failure(Problem(text: "\(word): method needs a name")) }
      return .success(.method(value.lowercased()))
    case "stream", "s":
      let ids = values.compactMap { UInt32($0) }
      guard !ids.isEmpty, ids.count == values.count else {
        return .failure(Problem(text: "\(word): stream needs numbers, e.g. stream:3 or stream:1,3"))
      }
      return .success(.stream(Set(ids)))
    case "type", "t":
      guard !values.isEmpty else {
        return .failure(Problem(text: "\(word): type needs a frame type, e.g. type:HEADERS"))
      }
      return .success(.type(values.map { $0.uppercased() }))
    case "dir", "d":
      switch value.lowercased() {
      case "in", ">", "host", "request", "req": return .success(.direction(.hostToPlugin))
      case "out", "<", "plugin", "response", "resp": return .success(.direction(.pluginToHost))
      default: return .failure(Problem(text: "\(word): dir is in (>) or out (<)"))
      }
    case "conn", "connection", "c":
      let ids = values.compactMap { Int($0) }
      guard !ids.isEmpty, ids.count == values.count else {
        return .failure(Problem(text: "\(word): conn needs numbers, e.g. conn:2"))
      }
      return .success(.connection(Set(ids)))
    case "is":
      guard ["error", "errors", "err"].contains(value.lowercased()) else {
        return .failure(Problem(text: "\(word): only is:error is known"))
      }
      return .success(.error)
    default:
      return .success(.text(word.lowercased()))
    }
  }

  private struct Token {
    var text: String
    var quoted: Bool
  }

  /// Splits on spaces; `"…"` keeps spaces (and `-"…"` negates a phrase).
  private static func tokenize(_ query: String) -> [Token] {
    var tokens: [Token] = []
    var current = ""
    var inQuotes = false
    var wasQuoted = false
    func flush() {
      if !current.isEmpty || wasQuoted { tokens.append(Token(text: current, quoted: wasQuoted)) }
      current = ""
      wasQuoted = false
    }
    for char in query {
      if char == "\"" {
        if inQuotes {
          inQuotes = false
        } else {
          inQuotes = true
          wasQuoted = true
        }
      } else if char.isWhitespace, !inQuotes {
        flush()
      } else {
        current.append(char)
      }
    }
    flush()
    return tokens.filter { !$0.text.isEmpty }
  }
}
