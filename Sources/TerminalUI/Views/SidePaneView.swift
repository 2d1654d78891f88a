/// The side pane: tabs in the top border, then the Handshake, Health or Logs tab.
enum SidePaneView {
  /// The column ranges of the tabs in the top border, relative to the box's left edge.
  static func tabRanges(_ state: AppState) -> [Range<Int>] {
    let (_, ranges) = TabBar.line(SideTab.allCases.map(\.title), active: state.sideTab.rawValue, focused: false)
    return ranges.map { ($0.lowerBound + 2)..<($0.upperBound + 2) }
  }

  /// The lines of a scrollable tab (Handshake or Health) for a content width.
  static func document(_ state: AppState, tab: SideTab, width: Int) -> [StyledLine] {
    switch tab {
    case .handshake: HandshakeView.document(state, width: width)
    case .health: HealthView.document(state, width: width)
    case .logs: []
    }
  }

  static func draw(_ state: AppState, layout: Layout, into canvas: inout Canvas) {
    let focused = state.focus == .side && state.inspector == nil && !state.showHelp && state.logViewer == nil
    var (tabs, _) = TabBar.line(SideTab.allCases.map(\.title), active: state.sideTab.rawValue, focused: focused)
    if state.zoomed { tabs.append(" · zoom", Theme.key) }
    let inner = Panel(title: tabs, focused: focused, keepTitleStyles: true).draw(into: &canvas, layout.side)
    guard !inner.isEmpty else { return }
    switch state.sideTab {
    case .logs:
      LogsView.draw(state, focused: focused, into: &canvas, inner)
    case .handshake, .health:
      let lines = document(state, tab: state.sideTab, width: inner.width)
      TextView.draw(lines, scroll: state.sideScroll[state.sideTab] ?? 0, into: &canvas, inner)
    }
  }
}
