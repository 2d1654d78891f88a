/// Tab titles in a row, the active one reversed: `1 Handshake  2 Health  3 Logs`.
enum TabBar {
  /// The line, and the column range (relative to its start) of each tab for mouse clicks.
  static func line(_ titles: [String], active: Int, focused: Bool) -> (StyledLine, [Range<Int>]) {
    var line = StyledLine()
    var ranges: [Range<Int>] = []
    var column = 0
    for (index, title) in titles.enumerated() {
      if index > 0 {
        line.append(" ", Theme.border)
        column += 1
      }
      let text = "\(index + 1) \(title)"
      let style: Style =
        index == active
        ? (focused ? Theme.focusedTitle : Style(bold: true, reverse: true)) : Theme.dim
      line.append(text, style)
      ranges.append(column..<(column + text.count))
      column += text.count
    }
    return (line, ranges)
  }
}
