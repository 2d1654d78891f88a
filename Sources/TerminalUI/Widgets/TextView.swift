/// Shows lines of styled text in a rectangle from a scroll offset, wrapping long lines.
enum TextView {
  /// `lines` wrapped to `width` (continuations indented by `indent`).
  static func wrap(_ lines: [StyledLine], width: Int, indent: Int = 2) -> [StyledLine] {
    lines.flatMap { $0.wrapped(width: width, indent: indent) }
  }

  /// The largest useful scroll offset for `count` lines in `rows` rows.
  static func maxScroll(count: Int, rows: Int) -> Int {
    max(0, count - max(1, rows))
  }

  /// Draws already wrapped lines from `scroll` (clamped); marks more text above/below in the
  /// right-most column with `↑`/`↓`.
  static func draw(_ lines: [StyledLine], scroll: Int, into canvas: inout Canvas, _ rect: Rect) {
    guard !rect.isEmpty else { return }
    let top = min(max(0, scroll), maxScroll(count: lines.count, rows: rect.height))
    for row in 0..<rect.height {
      let index = top + row
      guard index < lines.count else { break }
      canvas.put(lines[index], x: rect.x, y: rect.y + row, limit: rect.width, ellipsis: true)
    }
    if top > 0 { canvas.set("↑", x: rect.maxX - 1, y: rect.y, style: Theme.dim) }
    if top + rect.height < lines.count { canvas.set("↓", x: rect.maxX - 1, y: rect.maxY - 1, style: Theme.dim) }
  }
}
