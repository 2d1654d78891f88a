/// A grid of styled cells that views draw into; the screen copies it to the terminal.
///
/// Every character is one column wide here (the screen shows characters of another width as
/// a replacement mark), control characters are drawn as `·`, and writes outside the grid are
/// clipped, so no input can make drawing fail.
public struct Canvas: Sendable, Equatable {
  /// Width and height.
  public let size: Size
  /// Cells, row by row.
  public private(set) var cells: [Cell]

  /// Creates a canvas filled with `fill`.
  public init(size: Size, fill: Cell = .blank) {
    self.size = size
    cells = Array(repeating: fill, count: size.width * size.height)
  }

  /// Columns.
  public var width: Int { size.width }
  /// Rows.
  public var height: Int { size.height }
  /// The whole canvas as a rectangle.
  public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

  /// The cell at (`x`, `y`); a blank cell outside the grid.
  public subscript(x: Int, y: Int) -> Cell {
    guard x >= 0, x < width, y >= 0, y < height else { return .blank }
    return cells[y * width + x]
  }

  /// The cells of row `y` (empty outside the grid).
  public func row(_ y: Int) -> ArraySlice<Cell> {
    guard y >= 0, y < height else { return [] }
    return cells[(y * width)..<((y + 1) * width)]
  }

  /// Sets one cell (ignored outside the grid).
  public mutating func set(_ character: Character, x: Int, y: Int, style: Style = .plain) {
    guard x >= 0, x < width, y >= 0, y < height else { return }
    cells[y * width + x] = Cell(Self.displayable(character), style: style)
  }

  /// Writes `text` from (`x`, `y`) to the right, at most `limit` columns (and never past the
  /// right edge); with `ellipsis`, a cut text ends in `…`. Returns the columns written.
  @discardableResult
  public mutating func put(
    _ text: some StringProtocol, x: Int, y: Int, style: Style = .plain, limit: Int? = nil, ellipsis: Bool = false
  ) -> Int {
    guard y >= 0, y < height else { return 0 }
    let room = min(limit ?? Int.max, width - x)
    guard room > 0 else { return 0 }
    var column = 0
    var iterator = text.makeIterator()
    var pending = iterator.next()
    while let character = pending, column < room {
      pending = iterator.next()
      if ellipsis, column == room - 1, pending != nil {
        set("…", x: x + column, y: y, style: style)
      } else {
        set(character, x: x + column, y: y, style: style)
      }
      column += 1
    }
    return column
  }

  /// Writes a styled line from (`x`, `y`), at most `limit` columns; with `ellipsis`, a cut
  /// line ends in `…`. Returns the columns written.
  @discardableResult
  public mutating func put(_ line: StyledLine, x: Int, y: Int, limit: Int? = nil, ellipsis: Bool = false) -> Int {
    let room = min(limit ?? Int.max, width - x)
    guard room > 0 else { return 0 }
    let cut = ellipsis && line.count > room
    let budget = cut ? room - 1 : room
    var column = 0
    var lastStyle = Style.plain
    for span in line.spans where column < budget {
      column += put(span.text, x: x + column, y: y, style: span.style, limit: budget - column)
      lastStyle = span.style
    }
    if cut {
      set("…", x: x + column, y: y, style: lastStyle)
      column += 1
    }
    return column
  }

  /// Fills a rectangle (clipped) with one character and style.
  public mutating func fill(_ rect: Rect, with character: Character = " ", style: Style = .plain) {
    let cell = Cell(Self.displayable(character), style: style)
    let x0 = max(0, rect.x)
    let x1 = min(width, rect.maxX)
    let y0 = max(0, rect.y)
    let y1 = min(height, rect.maxY)
    guard x0 < x1, y0 < y1 else { return }
    for y in y0..<y1 {
      for x in x0..<x1 { cells[y * width + x] = cell }
    }
  }

  /// Changes the style of every cell in a rectangle (clipped).
  public mutating func restyle(_ rect: Rect, _ change: (inout Style) -> Void) {
    let x0 = max(0, rect.x)
    let x1 = min(width, rect.maxX)
    let y0 = max(0, rect.y)
    let y1 = min(height, rect.maxY)
    guard x0 < x1, y0 < y1 else { return }
    for y in y0..<y1 {
      for x in x0..<x1 { change(&cells[y * width + x].style) }
    }
  }

  /// The rows as plain strings, trailing spaces removed (for tests and text captures).
  public var lines: [String] {
    (0..<height).map { y in
      var line = String(row(y).map(\.character))
      while line.last == " " { line.removeLast() }
      return line
    }
  }

  /// A character that can be drawn in one cell: control characters become `·`, tabs a space.
  static func displayable(_ character: Character) -> Character {
    guard let scalar = character.unicodeScalars.first else { return " " }
    if scalar == "\t" { return " " }
    if scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value) { return "·" }
    return character
  }
}
