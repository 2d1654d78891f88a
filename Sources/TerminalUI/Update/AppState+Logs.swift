extension AppState {
  /// Keys of the Logs tab (side pane focused): j/k, pages, g/G move the selected line and
  /// scroll with it; Enter opens it in full. False when the key is not one of these.
  mutating func handleLogs(_ key: Key, layout: Layout) -> Bool {
    let rows = max(1, layout.sideContent.height)
    let page = max(1, rows - 1)
    switch key {
    case .character("j"), .down: moveLogSelection(by: 1, rows: rows)
    case .character("k"), .up: moveLogSelection(by: -1, rows: rows)
    case .pageDown, .control("d"): moveLogSelection(by: page, rows: rows)
    case .pageUp, .control("u"): moveLogSelection(by: -page, rows: rows)
    case .character("g"), .home: moveLogSelection(by: Int.min / 2, rows: rows)
    case .character("G"), .end: moveLogSelection(by: Int.max / 2, rows: rows)
    case .enter:
      let index = logs.count - 1 - logSelected
      if index >= 0, index < logs.count { logViewer = LogViewerState(line: logs[index]) }
    default: return false
    }
    return true
  }

  /// Moves the selected log line; positive is down (towards newer lines).
  mutating func moveLogSelection(by delta: Int, rows: Int) {
    guard !logs.isEmpty else { return }
    logSelected = min(max(0, logSelected - delta), logs.count - 1)
    if logSelected < logScroll { logScroll = logSelected }
    if logSelected > logScroll + rows - 1 { logScroll = logSelected - rows + 1 }
    logScroll = min(logScroll, max(0, logs.count - rows))
  }

  /// Keeps the selected line on screen after the Logs tab was scrolled (wheel).
  mutating func keepLogSelectionInView(rows: Int) {
    let rows = max(1, rows)
    logSelected = min(max(logSelected, logScroll), logScroll + rows - 1, max(0, logs.count - 1))
  }

  /// After `added` log lines arrived: a selection away from the newest line stays on its line
  /// (and the view with it); at the newest line, it follows.
  mutating func logsDidGrow(by added: Int) {
    guard added > 0, logSelected > 0 else { return }
    let rows = max(1, Layout(state: self).sideContent.height)
    logSelected = min(logSelected + added, max(0, logs.count - 1))
    logScroll = min(logScroll + added, max(0, logs.count - rows))
  }

  /// Keys of the log line overlay: scrolling; Esc or q closes it.
  mutating func handleLogViewer(_ key: Key) -> [Effect] {
    guard var viewer = logViewer else { return [] }
    let layout = Layout(state: self)
    let page = max(1, LogViewerView.rows(layout) - 1)
    switch key {
    case .escape, .character("q"):
      logViewer = nil
      return []
    case .character("?"):
      showHelp = true
      helpScroll = 0
      return []
    case .control("l"): return [.repaint]
    case .character("j"), .down: viewer.scroll += 1
    case .character("k"), .up: viewer.scroll -= 1
    case .pageDown, .control("d"), .character(" "): viewer.scroll += page
    case .pageUp, .control("u"): viewer.scroll -= page
    case .character("g"), .home: viewer.scroll = 0
    case .character("G"), .end: viewer.scroll = Int.max / 2
    default: return []
    }
    logViewer = viewer
    viewer.scroll = min(max(0, viewer.scroll), LogViewerView.maxScroll(self, layout: layout))
    logViewer = viewer
    return []
  }
}
