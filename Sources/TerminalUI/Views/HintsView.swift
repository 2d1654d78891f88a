/// The bottom row: the keys that matter in the current mode.
enum HintsView {
  static func draw(_ state: AppState, into canvas: inout Canvas, _ rect: Rect) {
    guard !rect.isEmpty else { return }
    var line = StyledLine(" ")
    for (index, (key, meaning)) in hints(state).enumerated() {
      if index > 0 { line.append("  ") }
      line.append(key, Theme.key)
      line.append(" " + meaning, Theme.dim)
    }
    canvas.put(line, x: rect.x, y: rect.y, limit: rect.width, ellipsis: true)
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
