import Foundation
import PluginHost

/// The overlay showing one log line in full: time, level, module, the message wrapped, each
/// field on a line of its own, problems, and the raw text as the plugin wrote it.
enum LogViewerView {
  /// The document for a content `width`, wrapped.
  static func document(_ line: LogLine, zone: TimeZone, width: Int) -> [StyledLine] {
    var lines: [StyledLine] = []
    var head = StyledLine(Format.clock(line.time, zone) + "  ", Theme.dim)
    switch line.source {
    case .log(let entry):
      head.append(entry.level.rawValue.uppercased(), Theme.level(entry.level))
      if let module = entry.module { head.append("  " + module, Theme.dim) }
      if let timestamp = entry.timestamp { head.append("  @timestamp " + timestamp, Theme.dim) }
      lines.append(head)
      lines.append("")
      lines.append(StyledLine(entry.message, entry.level >= .warn ? Theme.level(entry.level) : .plain))
      if !entry.fields.isEmpty {
        lines.append("")
        lines.append(StyledLine("Fields", Theme.heading))
        for field in entry.fields {
          lines.append(StyledLine(field.key, Theme.label) + StyledLine(" = " + field.value))
        }
      }
      for problem in entry.problems { lines.append(StyledLine("⚠ " + problem, Theme.warning)) }
      lines.append("")
      lines.append(StyledLine("Raw (\(entry.format.rawValue))", Theme.heading))
      lines.append(StyledLine(entry.raw))
    case .strayStdout(let output):
      lines.append(head + StyledLine("STDOUT", Theme.stray))
      lines.append(StyledLine("after the handshake: a Go host drops this", Theme.dim))
      lines.append("")
      lines.append(StyledLine(output))
    case .build(let output, let isStderr):
      lines.append(head + StyledLine(isStderr ? "BUILD (stderr)" : "BUILD", Theme.dim))
      lines.append("")
      lines.append(StyledLine(output))
    case .notice(let notice):
      lines.append(head + StyledLine("NOTE", Theme.notice))
      lines.append("")
      lines.append(StyledLine(notice, Theme.notice))
    case .host(let output):
      lines.append(head + StyledLine("HOST (plugin-dev's own stderr)", Theme.warning))
      lines.append("")
      lines.append(StyledLine(output))
    }
    return TextView.wrap(lines, width: max(1, width), indent: 0)
  }

  /// Rows of content in the overlay.
  static func rows(_ layout: Layout) -> Int { max(1, layout.overlay.height - 2) }

  /// The largest useful scroll offset.
  static func maxScroll(_ state: AppState, layout: Layout) -> Int {
    guard let viewer = state.logViewer else { return 0 }
    let count = document(viewer.line, zone: state.timeZone, width: layout.overlay.width - 3).count
    return TextView.maxScroll(count: count, rows: rows(layout))
  }

  static func draw(_ state: AppState, layout: Layout, into canvas: inout Canvas) {
    guard let viewer = state.logViewer else { return }
    let title = StyledLine("Log line — j/k scroll, Esc or q closes")
    let inner = Panel(title: title, focused: true).draw(into: &canvas, layout.overlay)
    guard !inner.isEmpty else { return }
    let content = Rect(x: inner.x + 1, y: inner.y, width: inner.width - 1, height: inner.height)
    TextView.draw(
      document(viewer.line, zone: state.timeZone, width: content.width), scroll: viewer.scroll, into: &canvas, content)
  }
}
