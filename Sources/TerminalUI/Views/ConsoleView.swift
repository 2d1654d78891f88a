import PluginHost

/// The console: a title rule, the newest output lines, and the input line.
enum ConsoleView {
  static func draw(_ state: AppState, layout: Layout, into canvas: inout Canvas) {
    let rect = layout.console
    guard rect.height >= 2 else { return }
    let focused = state.focus == .console && state.inspector == nil && !state.showHelp
    let ruleStyle = focused ? Theme.focusedBorder : Theme.border
    canvas.fill(rect.row(0), with: "─", style: ruleStyle)
    var title = StyledLine(" Console ", focused ? Theme.focusedTitle : Theme.title)
    if state.console.pendingCalls > 0 {
      let waited = state.console.pendingSince.map { Int(state.now.timeIntervalSince($0)) } ?? 0
      title.append(
        " \(state.console.pendingCalls) call\(state.console.pendingCalls == 1 ? "" : "s") running…"
          + (waited >= 1 ? " \(waited) s (Esc cancels) " : " "), Theme.warning)
    }
    canvas.put(title, x: rect.x + 1, y: rect.y, limit: rect.width - 2)

    let rows = layout.consoleOutputRows
    let output = state.console.output
    let scroll = min(max(0, state.console.scroll), max(0, output.count - rows))
    let end = output.count - scroll
    let start = max(0, end - rows)
    for (offset, index) in (start..<end).enumerated() {
      canvas.put(line(output[index]), x: rect.x, y: rect.y + 1 + offset, limit: rect.width, ellipsis: true)
    }
    if scroll > 0 { canvas.set("↓", x: rect.maxX - 1, y: rect.y + rows, style: Theme.dim) }
    InputLineView.draw(
      state.console.input, prompt: StyledLine("› ", focused ? Theme.key : Theme.dim),
      placeholder: state.viewing != nil
        ? "press : to type export FILE (the frames shown), clear, help; a log takes no calls"
        : state.console.catalog.methods.isEmpty || state.console.catalog.servesKV
          ? "press : to type get KEY, put KEY VALUE, health, restart, clear, export FILE, help"
          : "press : to type services, describe NAME, call METHOD JSON, health, restart, export FILE, help",
      focused: focused, into: &canvas, layout.consoleInput)
  }

  /// One output line.
  static func line(_ line: ConsoleLine) -> StyledLine {
    switch line {
    case .command(let text):
      return StyledLine("› ", Theme.dim) + StyledLine(text, Theme.label)
    case .result(let record):
      var text = StyledLine("  ")
      text.append(record.ok ? "✓ ok" : "✗ \(record.code.grpcName)", record.ok ? Theme.ok : Theme.error)
      text.append("  ")
      text.append(record.result.replacingOccurrences(of: "\n", with: "⏎"), record.ok ? .plain : Theme.error)
      text.append("  (\(record.method.isEmpty ? "" : record.method + " ")\(Format.latency(record.latency)))", Theme.dim)
      return text
    case .info(let text):
      return StyledLine("  " + text)
    case .error(let text):
      return StyledLine("  ✗ " + text, Theme.error)
    }
  }
}
