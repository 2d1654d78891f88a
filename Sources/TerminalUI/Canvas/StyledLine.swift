/// One line of styled text (several spans), with word wrapping.
public struct StyledLine: Sendable, Hashable, ExpressibleByStringLiteral {
  /// The spans, left to right.
  public var spans: [Span]

  /// Creates a line from spans.
  public init(_ spans: [Span] = []) {
    self.spans = spans
  }

  /// Creates a line of one span.
  public init(_ text: String, _ style: Style = .plain) {
    spans = [Span(text, style)]
  }

  /// A plain line.
  public init(stringLiteral value: String) {
    spans = [Span(value)]
  }

  /// The text without styles.
  public var text: String { spans.map(\.text).joined() }

  /// Length in characters (each counted as one column).
  public var count: Int { spans.reduce(0) { $0 + $1.text.count } }

  /// Appends a span.
  public mutating func append(_ text: String, _ style: Style = .plain) {
    spans.append(Span(text, style))
  }

  /// Two lines joined.
  public static func + (lhs: StyledLine, rhs: StyledLine) -> StyledLine {
    StyledLine(lhs.spans + rhs.spans)
  }

  /// The line broken into lines of at most `width` characters, at spaces where possible;
  /// continuation lines start with `indent` spaces.
  public func wrapped(width: Int, indent: Int = 0) -> [StyledLine] {
    guard width > 0 else { return [] }
    let indent = indent < width ? max(0, indent) : 0
    var cells: [(Character, Style)] = []
    for span in spans {
      for character in span.text { cells.append((character, span.style)) }
    }
    if cells.count <= width { return [self] }
    var lines: [StyledLine] = []
    var start = 0
    var first = true
    while start < cells.count {
      let room = first ? width : width - indent
      var end = min(cells.count, start + room)
      var next = end
      if end < cells.count {
        // Break after the last space in the window, if there is one past the start.
        if let space = cells[start..<end].lastIndex(where: { $0.0 == " " }), space > start {
          end = space
          next = space + 1
        }
      }
      var line = StyledLine()
      if !first && indent > 0 { line.append(String(repeating: " ", count: indent)) }
      Self.appendCells(cells[start..<end], to: &line)
      lines.append(line)
      start = next
      first = false
    }
    return lines
  }

  private static func appendCells(_ cells: ArraySlice<(Character, Style)>, to line: inout StyledLine) {
    var text = ""
    var style: Style?
    for (character, cellStyle) in cells {
      if cellStyle != style, let current = style {
        line.append(text, current)
        text = ""
      }
      style = cellStyle
      text.append(character)
    }
    if let style, !text.isEmpty { line.append(text, style) }
  }
}
