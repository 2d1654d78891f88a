import Foundation
import WireTap

/// The frame inspector overlay: frame facts, decoded headers, settings, messages as trees,
/// a hex dump of the payload with offsets, and the other frames of the same stream. Two
/// columns when the terminal is wide enough, one otherwise; scrolled as a whole.
enum InspectorView {
  /// Width from which the inspector uses two columns.
  static let twoColumnWidth = 110

  /// The columns' lines for the overlay's content width: (left, right); right is nil for one column.
  static func documents(_ state: AppState, width: Int) -> (left: [StyledLine], right: [StyledLine]?) {
    guard let inspector = state.inspector else { return ([], nil) }
    guard let position = state.frames.position(ofSequence: inspector.sequence) else {
      return (
        [
          StyledLine(
            "Frame #\(inspector.sequence) is no longer held (the log keeps the newest \(state.frames.capacity)).",
            Theme.warning)
        ], nil
      )
    }
    let record = state.frames[position]
    if width >= twoColumnWidth {
      let leftWidth = (width - 3) / 2
      let rightWidth = width - 3 - leftWidth
      let left = TextView.wrap(facts(record, state) + headers(record) + messages(record), width: leftWidth)
      let right = TextView.wrap(
        payload(record, width: rightWidth) + stream(record, inspector, state), width: rightWidth)
      return (left, Array(right.drop { $0.spans.allSatisfy { $0.text.isEmpty } }))
    }
    let all =
      facts(record, state) + headers(record) + messages(record) + payload(record, width: width)
      + stream(record, inspector, state)
    return (TextView.wrap(all, width: width), nil)
  }

  /// Lines in the longer column, for scrolling limits.
  static func lineCount(_ state: AppState, layout: Layout) -> Int {
    let (left, right) = documents(state, width: contentWidth(layout))
    return max(left.count, right?.count ?? 0)
  }

  static func contentWidth(_ layout: Layout) -> Int {
    max(1, layout.overlay.width - 4)
  }

  static func draw(_ state: AppState, layout: Layout, into canvas: inout Canvas) {
    guard let inspector = state.inspector else { return }
    let title: StyledLine
    if let position = state.frames.position(ofSequence: inspector.sequence) {
      let record = state.frames[position]
      title = StyledLine(
        "Frame #\(record.sequence) · \(record.type) · stream \(record.streamID) · \(record.direction.sender) → \(record.direction.receiver)"
      )
    } else {
      title = StyledLine("Frame #\(inspector.sequence)")
    }
    let inner = Panel(
      title: title, footer: StyledLine("Esc close · j/k scroll · n/p stream · ←/→ list", Theme.dim), focused: true
    )
    .draw(into: &canvas, layout.overlay)
    guard !inner.isEmpty else { return }
    let content = Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: inner.height)
    let (left, right) = documents(state, width: content.width)
    let scroll = min(
      max(0, inspector.scroll), TextView.maxScroll(count: max(left.count, right?.count ?? 0), rows: content.height))
    if let right {
      let leftWidth = (content.width - 3) / 2
      TextView.draw(
        left, scroll: min(scroll, TextView.maxScroll(count: left.count, rows: content.height)), into: &canvas,
        Rect(x: content.x, y: content.y, width: leftWidth, height: content.height))
      for y in content.y..<content.maxY { canvas.set("│", x: content.x + leftWidth + 1, y: y, style: Theme.border) }
      TextView.draw(
        right, scroll: min(scroll, TextView.maxScroll(count: right.count, rows: content.height)), into: &canvas,
        Rect(x: content.x + leftWidth + 3, y: content.y, width: content.width - leftWidth - 3, height: content.height))
    } else {
      TextView.draw(left, scroll: scroll, into: &canvas, content)
    }
  }

  private static func facts(_ record: FrameRecord, _ state: AppState) -> [StyledLine] {
    var lines: [StyledLine] = []
    var head = StyledLine("#\(record.sequence) ", Theme.label)
    head.append(record.type, Theme.frameType(record.type))
    head.append("  stream \(record.streamID)  connection \(record.connection)")
    lines.append(head)
    lines.append(
      StyledLine(
        record.direction == .hostToPlugin ? "> host → plugin" : "< plugin → host",
        record.direction == .hostToPlugin ? Theme.hostToPlugin : Theme.pluginToHost)
        + StyledLine("  " + Format.clock(record.time, state.timeZone) + "  \(record.length) bytes", Theme.dim))
    if !record.flags.isEmpty {
      lines.append(StyledLine("flags    ", Theme.label) + StyledLine(record.flags.joined(separator: " ")))
    }
    if let method = record.method { lines.append(StyledLine("method   ", Theme.label) + StyledLine(method)) }
    lines.append(StyledLine("summary  ", Theme.label) + StyledLine(record.summary))
    if let status = record.grpcStatus {
      let name = GRPCStatusName.name(for: status).map { " (\($0))" } ?? ""
      lines.append(
        StyledLine("grpc-status  ", Theme.label) + StyledLine("\(status)\(name)", status == 0 ? Theme.ok : Theme.error))
    }
    if let message = record.grpcMessage {
      lines.append(StyledLine("grpc-message ", Theme.label) + StyledLine(message, Theme.error))
    }
    if let code = record.errorCode {
      lines.append(StyledLine("error code ", Theme.label) + StyledLine(code, Theme.error))
    }
    if let note = record.note { lines.append(StyledLine("note: " + note, Theme.notice)) }
    if let error = record.decodeError { lines.append(StyledLine("✗ decode error: " + error, Theme.error)) }
    if let settings = record.settings {
      lines.append("")
      lines.append(StyledLine("Settings (\(settings.count))", Theme.heading))
      for setting in settings {
        lines.append(StyledLine(setting.name, Theme.label) + StyledLine(" = \(setting.value)"))
      }
    }
    return lines
  }

  private static func headers(_ record: FrameRecord) -> [StyledLine] {
    guard let headers = record.headers else { return [] }
    var lines: [StyledLine] = ["", StyledLine("Headers (\(headers.count))", Theme.heading)]
    for header in headers { lines.append(StyledLine(header.name, Theme.label) + StyledLine(": " + header.value)) }
    return lines
  }

  private static func messages(_ record: FrameRecord) -> [StyledLine] {
    var lines: [StyledLine] = []
    for message in record.messages {
      lines.append("")
      var title =
        "Message \(message.typeName ?? "(unknown type)") · \(message.isRequest ? "request" : "response") · \(message.byteCount) bytes"
      if message.compressed { title += " · compressed" }
      if message.schemaless { title += " · decoded without schema" }
      lines.append(StyledLine(title, Theme.heading))
      lines += TreeView.lines(message.tree)
      if let note = message.note { lines.append(StyledLine("note: " + note, Theme.notice)) }
    }
    return lines
  }

  private static func payload(_ record: FrameRecord, width: Int) -> [StyledLine] {
    guard !record.payloadPrefix.isEmpty else { return [] }
    var title = "Payload \(record.length) bytes"
    if record.payloadTruncated { title += " (first \(record.payloadPrefix.count) shown)" }
    return ["", StyledLine(title, Theme.heading)] + HexView.lines(record.payloadPrefix, width: width)
  }

  private static func stream(_ record: FrameRecord, _ inspector: InspectorState, _ state: AppState) -> [StyledLine] {
    let sequences = inspector.streamSequences
    var lines: [StyledLine] = [
      "",
      StyledLine(
        "Stream \(record.streamID) on connection \(record.connection): \(sequences.count) frames", Theme.heading),
    ]
    let index = sequences.firstIndex(of: record.sequence) ?? 0
    let start = max(0, min(index - 50, sequences.count - 100))
    let end = min(sequences.count, start + 100)
    if start > 0 { lines.append(StyledLine("… \(start) earlier", Theme.dim)) }
    for sequence in sequences[start..<end] {
      guard let position = state.frames.position(ofSequence: sequence) else { continue }
      let other = state.frames[position]
      let current = sequence == record.sequence
      var line = StyledLine(current ? "▶ " : "  ", Theme.key)
      line.append("#\(other.sequence) ", current ? Theme.label : Theme.dim)
      line.append(
        other.direction.arrow + " ", other.direction == .hostToPlugin ? Theme.hostToPlugin : Theme.pluginToHost)
      line.append(other.summary, current ? Theme.label : .plain)
      lines.append(line)
    }
    if end < sequences.count { lines.append(StyledLine("… \(sequences.count - end) later", Theme.dim)) }
    return lines
  }
}
