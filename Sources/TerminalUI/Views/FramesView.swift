import Foundation
import WireTap

/// The frame log: a virtual list (only visible rows are formatted) with a column header, the
/// filter in the bottom border, and rows of the latest console call marked with `*`.
enum FramesView {
  /// Which optional columns fit.
  struct Columns {
    var shortTime: Bool
    var flags: Bool
    var streamWidth: Int

    init(width: Int) {
      shortTime = width < 60
      flags = width >= 60
      streamWidth = width >= 60 ? 4 : 3
    }

    var header: String {
      var text = " " + (shortTime ? Format.left("time", 9) : Format.left("time", 12))
      text += " ⇄ " + Format.right("str", streamWidth) + " "
      if flags { text += Format.left("flags", 5) + " " }
      text += "  len summary"
      return text
    }
  }

  static func draw(_ state: AppState, layout: Layout, into canvas: inout Canvas) {
    let list = state.frameList
    let log = state.frames
    let total = list.count(in: log)
    let focused = state.focus == .frames && state.inspector == nil && !state.showHelp
    var title = StyledLine("Frames ", Theme.title)
    title.append(list.isFiltered ? "\(total) of \(log.count)" : "\(log.count)")
    if list.follow { title.append(" · follow", Theme.ok) }
    let inner = Panel(title: title, footer: footer(state), focused: focused).draw(into: &canvas, layout.frames)
    guard inner.height > 0, inner.width > 0 else { return }
    if list.editing {
      let row = Rect(x: layout.frames.x + 2, y: layout.frames.maxY - 1, width: layout.frames.width - 4, height: 1)
      InputLineView.draw(list.editor, prompt: StyledLine("/", Theme.key), focused: true, into: &canvas, row)
    }
    let columns = Columns(width: inner.width)
    canvas.put(columns.header, x: inner.x, y: inner.y, style: Theme.dim, limit: inner.width)
    let rows = max(0, inner.height - 1)
    guard rows > 0 else { return }
    if total == 0 {
      canvas.put(emptyMessage(state), x: inner.x + 1, y: inner.y + 1, style: Theme.dim, limit: inner.width - 1, ellipsis: true)
      return
    }
    var window = list
    window.clamp(total: total, visibleRows: rows)
    for offset in 0..<rows {
      let row = window.top + offset
      guard let record = list.record(atRow: row, in: log) else { break }
      let y = inner.y + 1 + offset
      let highlighted = state.isPartOfLastCall(record)
      canvas.put(line(record, columns: columns, zone: state.timeZone, highlighted: highlighted), x: inner.x, y: y, limit: inner.width, ellipsis: true)
      if row == window.selected {
        canvas.restyle(Rect(x: inner.x, y: y, width: inner.width, height: 1)) { style in
          if focused { style.reverse = true } else { style.bold = true; style.underline = true }
        }
      }
    }
  }

  /// One list row: marker, time, arrow, stream, flags, length, summary (its first word, the
  /// frame type, coloured).
  static func line(_ record: FrameRecord, columns: Columns, zone: TimeZone, highlighted: Bool) -> StyledLine {
    var line = StyledLine(highlighted ? "*" : " ", Theme.callHighlight)
    line.append(Format.clock(record.time, zone, short: columns.shortTime), Theme.dim)
    line.append(" ")
    line.append(record.direction.arrow, record.direction == .hostToPlugin ? Theme.hostToPlugin : Theme.pluginToHost)
    line.append(" " + Format.right(String(record.streamID), columns.streamWidth) + " ")
    if columns.flags { line.append(Format.left(Format.flags(record.flags), 5) + " ", Theme.dim) }
    line.append(Format.right(String(record.length), 5) + " ")
    let summary = record.summary
    let typeEnd = summary.firstIndex(of: " ") ?? summary.endIndex
    let typeStyle = record.kind == .decodeError ? Theme.error : Theme.frameType(record.type)
    line.append(String(summary[..<typeEnd]), highlighted ? typeStyle.foreground(.yellow) : typeStyle)
    line.append(String(summary[typeEnd...]), highlighted ? Theme.callHighlight : .plain)
    return line
  }

  private static func footer(_ state: AppState) -> StyledLine? {
    let list = state.frameList
    if list.editing { return nil }
    if list.isFiltered {
      var line = StyledLine("/" + list.query, Theme.key)
      for problem in list.filter.problems { line.append("  ⚠ " + problem, Theme.warning) }
      line.append("  Esc clears", Theme.dim)
      return line
    }
    return StyledLine("/ filter  Enter inspect", Theme.dim)
  }

  private static func emptyMessage(_ state: AppState) -> String {
    if state.frameList.isFiltered { return "no frame matches /\(state.frameList.query)" }
    switch state.phase {
    case .idle, .building, .handshaking: return "waiting for the plugin…"
    case .handshakeFailed: return "no frames: the handshake failed (see Handshake)"
    case .running: return state.tap == nil ? "no frames yet" : "no frames yet: gRPC traffic through the relay shows here"
    default: return "no frames"
    }
  }
}
