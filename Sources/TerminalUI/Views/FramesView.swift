import Foundation
import PluginHost
import WireTap

/// The frame log: a virtual list (only visible rows are formatted) with a column header, the
/// view (calls or all) and count of hidden frames in the title, the filter in the bottom
/// border, restart separators, and rows of the latest console call marked with `*`.
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

  /// One screen row of the list: a frame (its row in the list) or a restart separator.
  enum DisplayRow: Equatable {
    case frame(Int)
    case restart(RestartMark)
  }

  static func draw(_ state: AppState, layout: Layout, into canvas: inout Canvas) {
    let list = state.frameList
    let log = state.frames
    let focused = state.focus == .frames && state.inspector == nil && !state.showHelp && state.logViewer == nil
    let inner = Panel(title: title(state), footer: footer(state), focused: focused).draw(into: &canvas, layout.frames)
    guard inner.height > 0, inner.width > 0 else { return }
    if list.editing {
      let row = Rect(x: layout.frames.x + 2, y: layout.frames.maxY - 1, width: layout.frames.width - 4, height: 1)
      InputLineView.draw(list.editor, prompt: StyledLine("/", Theme.key), focused: true, into: &canvas, row)
    }
    let columns = Columns(width: inner.width)
    canvas.put(columns.header, x: inner.x, y: inner.y, style: Theme.dim, limit: inner.width)
    let rows = max(0, inner.height - 1)
    guard rows > 0 else { return }
    if list.count(in: log) == 0 {
      canvas.put(
        emptyMessage(state), x: inner.x + 1, y: inner.y + 1, style: Theme.dim, limit: inner.width - 1, ellipsis: true)
      return
    }
    for (offset, displayRow) in window(state, rows: rows).enumerated() {
      let y = inner.y + 1 + offset
      switch displayRow {
      case .restart(let mark):
        canvas.put(separator(mark, width: inner.width), x: inner.x, y: y, limit: inner.width)
      case .frame(let row):
        guard let record = list.record(atRow: row, in: log) else { continue }
        let highlighted = state.isPartOfLastCall(record)
        canvas.put(
          line(record, columns: columns, zone: state.timeZone, highlighted: highlighted, width: inner.width),
          x: inner.x, y: y,
          limit: inner.width, ellipsis: true)
        if row == list.selected {
          canvas.restyle(Rect(x: inner.x, y: y, width: inner.width, height: 1)) { style in
            if focused {
              style.reverse = true
            } else {
              style.bold = true
              style.underline = true
            }
          }
        }
      }
    }
  }

  /// The rows shown in `rows` screen rows: frames from the list's top, with a separator before
  /// the first frame after each restart (and after the last frame, for a restart with no frames
  /// yet). Separators take room, so the window starts later when that keeps the selection (and,
  /// when following, the newest separator) on screen.
  static func window(_ state: AppState, rows: Int) -> [DisplayRow] {
    let list = state.frameList
    let total = list.count(in: state.frames)
    var clamped = list
    clamped.clamp(total: total, visibleRows: rows)
    guard !state.restartMarks.isEmpty else {
      return (clamped.top..<min(total, clamped.top + rows)).map { .frame($0) }
    }
    var start = clamped.top
    while true {
      let (shown, trailing) = build(state, from: start, rows: rows, total: total)
      let selectedShown = shown.contains(.frame(list.selected))
      let trailingShown =
        !(list.follow && trailing) || shown.last.map { if case .restart = $0 { true } else { false } } == true
      if start >= list.selected || (selectedShown && trailingShown) { return shown }
      start += 1
    }
  }

  /// Display rows from list row `start`; `trailing`: a restart follows the last frame.
  private static func build(_ state: AppState, from start: Int, rows: Int, total: Int) -> (
    rows: [DisplayRow], trailing: Bool
  ) {
    let list = state.frameList
    let log = state.frames
    let marks = state.restartMarks
    var shown: [DisplayRow] = []
    var previous = start > 0 ? list.record(atRow: start - 1, in: log)?.sequence : nil
    var row = start
    while shown.count < rows, let record = list.record(atRow: row, in: log) {
      if let previous {
        for mark in marks where previous <= mark.afterSequence && mark.afterSequence < record.sequence {
          shown.append(.restart(mark))
        }
      }
      shown.append(.frame(row))
      previous = record.sequence
      row += 1
    }
    var trailing = false
    if row >= total, let last = list.record(atRow: total - 1, in: log) {
      for mark in marks where mark.afterSequence >= last.sequence {
        trailing = true
        shown.append(.restart(mark))
      }
    }
    return (Array(shown.prefix(rows)), trailing)
  }

  /// `── restart (pid 1234) ──────` across the list.
  static func separator(_ mark: RestartMark, width: Int) -> StyledLine {
    let text = "── restart (pid \(mark.pid)) "
    return StyledLine(text + String(repeating: "─", count: max(2, width - text.count)), Theme.notice)
  }

  /// One list row: marker, time, arrow, stream, flags, length, summary (its first word, the
  /// frame type, coloured).
  /// When the row is narrower than it, the method path's package is abbreviated
  /// (`/plugin.GRPCBroker/StartStream` → `/p.GRPCBroker/StartStream`), so the service still shows.
  static func line(_ record: FrameRecord, columns: Columns, zone: TimeZone, highlighted: Bool, width: Int = .max)
    -> StyledLine
  {
    var line = StyledLine(highlighted ? "*" : " ", Theme.callHighlight)
    line.append(Format.clock(record.time, zone, short: columns.shortTime), Theme.dim)
    line.append(" ")
    // `run --serve`: the real host's connections are marked, plugin-dev's own are not.
    if let host = ServedConnection.hostConnection(record.connection) { line.append("host#\(host) ", Theme.label) }
    line.append(record.direction.arrow, record.direction == .hostToPlugin ? Theme.hostToPlugin : Theme.pluginToHost)
    line.append(" " + Format.right(String(record.streamID), columns.streamWidth) + " ")
    if columns.flags { line.append(Format.left(Format.flags(record.flags), 5) + " ", Theme.dim) }
    line.append(Format.right(String(record.length), 5) + " ")
    var summary = record.summary
    if line.count + summary.count > width { summary = Format.abbreviatingPackage(summary) }
    let typeEnd = summary.firstIndex(of: " ") ?? summary.endIndex
    let typeStyle = record.kind == .decodeError ? Theme.error : Theme.frameType(record.type)
    line.append(String(summary[..<typeEnd]), highlighted ? typeStyle.foreground(.yellow) : typeStyle)
    line.append(String(summary[typeEnd...]), highlighted ? Theme.callHighlight : .plain)
    return line
  }

  /// `Frames 12 · calls · 40 hidden · follow`, `Frames 5 of 52 · all` (no view while empty).
  static func title(_ state: AppState) -> StyledLine {
    let list = state.frameList
    let log = state.frames
    let total = list.count(in: log)
    var title = StyledLine("Frames ", Theme.title)
    title.append(list.hasQuery ? "\(total) of \(log.count)" : "\(total)")
    if log.isEmpty {
      // Nothing to hide yet: both views are the same.
    } else if list.showAll {
      title.append(" · all")
    } else {
      title.append(" · calls")
      let hidden = list.hiddenCount(in: log)
      if !list.hasQuery, hidden > 0 { title.append(" · \(hidden) hidden", Theme.dim) }
    }
    if list.follow { title.append(" · follow", Theme.ok) }
    if state.zoomed { title.append(" · zoom", Theme.key) }
    return title
  }

  private static func footer(_ state: AppState) -> StyledLine? {
    let list = state.frameList
    if list.editing { return nil }
    let view = list.showAll ? "a calls only" : "a all frames"
    if list.hasQuery || !list.filter.problems.isEmpty {
      var line = StyledLine("/" + list.query, Theme.key)
      for problem in list.filter.problems { line.append("  ⚠ " + problem, Theme.warning) }
      line.append("  x clears  " + view, Theme.dim)
      return line
    }
    return StyledLine("/ filter  \(view)  Enter inspect", Theme.dim)
  }

  private static func emptyMessage(_ state: AppState) -> String {
    let list = state.frameList
    if list.hasQuery { return "no frame matches /\(list.query)" + (list.showAll ? "" : " (a: all frames)") }
    if !state.frames.isEmpty {
      return "no calls yet: \(state.frames.count) frames of connection upkeep and health checks hidden (a shows all)"
    }
    switch state.phase {
    case .idle, .building, .handshaking: return "waiting for the plugin…"
    case .handshakeFailed: return "no frames: the handshake failed (see Handshake)"
    case .running:
      return state.tap == nil ? "no frames yet" : "no frames yet: gRPC traffic through the relay shows here"
    default: return "no frames"
    }
  }
}
