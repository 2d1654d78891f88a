import PluginHost
import PluginSession

/// The help overlay: every key, the filter terms and the console commands; scrolls with j/k.
enum HelpView {
  static let maxWidth = 92

  /// The help text for a box of `width` columns.
  static func lines(width: Int) -> [StyledLine] {
    let keyWidth = 17
    func section(_ title: String, _ entries: [(String, String)]) -> [StyledLine] {
      [StyledLine(title, Theme.heading)]
        + entries.map { StyledLine(Format.left($0.0, keyWidth), Theme.key) + StyledLine(" " + $0.1) }
    }
    let all =
      section("Keys", KeyTable.entries.map { ($0.keys, $0.action) }) + [""]
      + section("Filter (/)", KeyTable.filterTerms.map { ($0.keys, $0.action) }) + [""]
      + section("Console commands (: or i)", ConsoleCommand.usage)
    return TextView.wrap(all, width: max(1, contentWidth(width)), indent: keyWidth + 1)
  }

  /// The box inside the overlay area.
  static func box(_ layout: Layout) -> Rect {
    let area = layout.overlay
    let width = min(area.width, maxWidth)
    let height = min(area.height, lines(width: width).count + 2)
    return Rect(
      x: area.x + (area.width - width) / 2, y: area.y + max(0, (area.height - height) / 2), width: width, height: height
    )
  }

  /// The largest useful scroll offset.
  static func maxScroll(_ layout: Layout) -> Int {
    let box = box(layout)
    return TextView.maxScroll(count: lines(width: box.width).count, rows: box.height - 2)
  }

  static func draw(_ state: AppState, layout: Layout, into canvas: inout Canvas) {
    let box = box(layout)
    let inner = Panel(title: StyledLine("Help — j/k scroll, q, Esc or any other key closes"), focused: true).draw(
      into: &canvas, box)
    guard !inner.isEmpty else { return }
    TextView.draw(
      lines(width: box.width), scroll: state.helpScroll, into: &canvas,
      Rect(x: inner.x + 1, y: inner.y, width: inner.width - 1, height: inner.height))
  }

  private static func contentWidth(_ boxWidth: Int) -> Int { boxWidth - 3 }
}
