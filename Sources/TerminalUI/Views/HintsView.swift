/// The bottom row: the keys that matter in the current mode.
enum HintsView {
  static func draw(_ state: AppState, into canvas: inout Canvas, _ rect: Rect) {
    guard !rect.isEmpty else { return }
    canvas.put(line(fitting(hints(state), width: rect.width)), x: rect.x, y: rect.y, limit: rect.width, ellipsis: true)
  }

  /// The hints that fit `width`: the last ones before `?` and `q` go first, so help and quit always show.
  static func fitting(_ hints: [(String, String)], width: Int) -> [(String, String)] {
    var kept = hints
    func pinned(_ hint: (String, String)) -> Bool { ["?", "q", "q/Esc", "Esc/q"].contains(hint.0) }
    guard hints.contains(where: pinned) else { return hints }
    while line(kept).count > width, let drop = kept.lastIndex(where: { !pinned($0) }), kept.count > 1 {
      kept.remove(at: drop)
    }
    return kept
  }

  private static func line(_ hints: [(String, String)]) -> StyledLine {
    var line = StyledLine(" ")
    for (index, (key, meaning)) in hints.enumerated() {
      if index > 0 { line.append("  ") }
      line.append(key, Theme.key)
      line.append(" " + meaning, Theme.dim)
    }
    return line
  }

  /// (key, meaning) pairs for the current mode; a log (`view`) has no restart.
  static func hints(_ state: AppState) -> [(String, String)] {
    let hints = allHints(state)
    return state.viewing == nil ? hints : hints.filter { $0.0 != "r" }
  }

  private static func allHints(_ state: AppState) -> [(String, String)] {
    if state.quitting { return [("", "stopping the plugin (Shutdown, up to 2 s, then SIGKILL)…")] }
    if state.showHelp { return [("j/k", "scroll"), ("q/Esc", "close (any other key too)")] }
    if state.logViewer != nil { return [("j/k", "scroll"), ("Esc/q", "close"), ("?", "help")] }
    if state.inspector != nil {
      return [
        ("Esc", "close"), ("j/k", "scroll"), ("n/p", "stream frames"), ("←/→", "prev/next frame"), ("?", "help"),
        ("q", "quit"),
      ]
    }
    if state.frameList.editing {
      return [
        ("Enter", "apply"), ("Esc", "cancel"),
        ("e.g.", "put  method:Get  stream:3  type:DATA  dir:in  is:error  -type:PING"),
      ]
    }
    switch state.focus {
    case .console:
      return [
        ("Enter", "run"), ("↑/↓", "history"), ("Esc", "leave"), ("Tab", "focus"),
        ("", "get KEY · put KEY VALUE · health · restart · clear · export FILE · help"),
      ]
    case .side:
      if state.sideTab == .logs {
        return [
          ("j/k", "select"), ("Enter", "full line"), ("1/2/3 h/l", "tabs"), ("z", "zoom"), ("Esc", "leave"),
          ("?", "help"), ("q", "quit"),
        ]
      }
      return [
        ("1/2/3 h/l", "tabs"), ("j/k", "scroll"), ("z", "zoom"), ("Esc", "leave"), (":", "console"), ("r", "restart"),
        ("?", "help"), ("q", "quit"),
      ]
    case .frames:
      return [
        ("Tab", "focus"), ("j/k", "move"), ("Enter", "inspect"), ("/", "filter"),
        ("a", state.frameList.showAll ? "calls only" : "all frames"),
        ("z", "zoom"), ("f", "follow"), (":", "console"), ("r", "restart"), ("?", "help"), ("q", "quit"),
      ]
    }
  }
}
