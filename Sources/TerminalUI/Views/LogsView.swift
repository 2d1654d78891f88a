import Foundation
import PluginHost

/// The Logs tab: plugin stderr (levels coloured), stray stdout, build output and notices,
/// newest at the bottom; only visible rows are formatted. With the side pane focused, the
/// selected line (Enter opens it in full) is shown reversed.
enum LogsView {
  static func draw(_ state: AppState, focused: Bool, into canvas: inout Canvas, _ rect: Rect) {
    guard !rect.isEmpty else { return }
    let logs = state.logs
    if logs.isEmpty {
      canvas.put(
        "No output yet: plugin stderr, stray stdout and notices show here.", x: rect.x, y: rect.y, style: Theme.dim,
        limit: rect.width, ellipsis: true)
      return
    }
    let scroll = min(max(0, state.logScroll), max(0, logs.count - rect.height))
    let end = logs.count - scroll
    let start = max(0, end - rect.height)
    let selected = logs.count - 1 - state.logSelected
    for (offset, index) in (start..<end).enumerated() {
      canvas.put(
        line(logs[index], zone: state.timeZone), x: rect.x, y: rect.y + offset, limit: rect.width, ellipsis: true)
      if focused, index == selected {
        canvas.restyle(Rect(x: rect.x, y: rect.y + offset, width: rect.width, height: 1)) { $0.reverse = true }
      }
    }
    if start > 0 { canvas.set("↑", x: rect.maxX - 1, y: rect.y, style: Theme.dim) }
    if scroll > 0 { canvas.set("↓", x: rect.maxX - 1, y: rect.maxY - 1, style: Theme.dim) }
  }

  /// One row.
  static func line(_ line: LogLine, zone: TimeZone) -> StyledLine {
    var text = StyledLine(Format.clock(line.time, zone, milliseconds: false) + " ", Theme.dim)
    switch line.source {
    case .log(let entry) where entry.continuesPanic:
      text.append("  │   " + entry.message, Theme.level(entry.level))
    case .log(let entry):
      text.append(Format.left(entry.level.rawValue.uppercased(), 5), Theme.level(entry.level))
      text.append(" ")
      if let module = entry.module { text.append(module + ": ", Theme.dim) }
      text.append(entry.message, entry.level >= .warn ? Theme.level(entry.level) : .plain)
      for field in entry.fields { text.append(" \(field.key)=\(field.value)", Theme.dim) }
      for problem in entry.problems { text.append("  ⚠ " + problem, Theme.warning) }
    case .strayStdout(let output):
      text.append("STDOUT", Theme.stray)
      text.append(" " + output)
      text.append("  (after the handshake: a Go host drops this)", Theme.dim)
    case .build(let output, let isStderr):
      text.append("BUILD ", Theme.dim)
      text.append(output, isStderr ? Theme.warning : .plain)
    case .notice(let notice):
      text.append("NOTE  ", Theme.notice)
      text.append(notice, Theme.notice)
    case .host(let output):
      text.append("HOST  ", Theme.warning)
      text.append(output)
    }
    return text
  }
}
