/// A box with a title in its top border and an optional footer in its bottom border; a
/// focused box has a bright border and a reversed title.
struct Panel {
  var title: StyledLine
  var footer: StyledLine?
  var focused: Bool
  /// Keep the title's own styles when focused (tab bars style themselves).
  var keepTitleStyles = false

  /// Draws the box and returns the area inside it.
  @discardableResult
  func draw(into canvas: inout Canvas, _ rect: Rect) -> Rect {
    guard rect.width >= 2, rect.height >= 2 else { return .zero }
    let style = focused ? Theme.focusedBorder : Theme.border
    canvas.fill(rect.inset(by: 1))
    canvas.set("┌", x: rect.x, y: rect.y, style: style)
    canvas.set("┐", x: rect.maxX - 1, y: rect.y, style: style)
    canvas.set("└", x: rect.x, y: rect.maxY - 1, style: style)
    canvas.set("┘", x: rect.maxX - 1, y: rect.maxY - 1, style: style)
    for x in (rect.x + 1)..<(rect.maxX - 1) {
      canvas.set("─", x: x, y: rect.y, style: style)
      canvas.set("─", x: x, y: rect.maxY - 1, style: style)
    }
    for y in (rect.y + 1)..<(rect.maxY - 1) {
      canvas.set("│", x: rect.x, y: y, style: style)
      canvas.set("│", x: rect.maxX - 1, y: y, style: style)
    }
    let room = rect.width - 4
    if room > 0 {
      var line = title
      if focused, !keepTitleStyles {
        line.spans = line.spans.map { Span($0.text, Theme.focusedTitle) }
      }
      let pad = StyledLine(" ", focused && !keepTitleStyles ? Theme.focusedTitle : Theme.title)
      canvas.put(pad + line + pad, x: rect.x + 1, y: rect.y, limit: room + 2, ellipsis: true)
      if let footer {
        canvas.put(
          StyledLine(" ") + footer + StyledLine(" "), x: rect.x + 1, y: rect.maxY - 1, limit: room + 2, ellipsis: true)
      }
    }
    return rect.inset(by: 1)
  }
}
