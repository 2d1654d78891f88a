import Foundation

/// The top row: plugin, pid, uptime, handshake summary, health badge, frame count, help hint.
///
/// When the row is too narrow, the least important pieces are left out first.
enum StatusBarView {
  private struct Piece {
    var line: StyledLine
    var priority: Int
  }

  static func draw(_ state: AppState, into canvas: inout Canvas, _ rect: Rect) {
    guard !rect.isEmpty else { return }
    canvas.fill(rect, style: Theme.statusBar)
    var pieces = self.pieces(state)
    let separator = StyledLine(" │ ", Theme.statusBar)
    func total() -> Int {
      pieces.reduce(0) { $0 + $1.line.count } + max(0, pieces.count - 1) * separator.count + 2
    }
    while total() > rect.width, pieces.count > 1,
      let lowest = pieces.indices.min(by: { pieces[$0].priority < pieces[$1].priority })
    {
      pieces.remove(at: lowest)
    }
    var line = StyledLine(" ", Theme.statusBar)
    for (index, piece) in pieces.enumerated() {
      if index > 0 { line = line + separator }
      line = line + piece.line
    }
    canvas.put(line, x: rect.x, y: rect.y, limit: rect.width, ellipsis: true)
  }

  private static func pieces(_ state: AppState) -> [Piece] {
    let bar = Theme.statusBar
    var pieces: [Piece] = [Piece(line: StyledLine(state.pluginName, Theme.statusName), priority: 10)]
    if let viewing = state.viewing {
      let style = viewing.progress == .ended(complete: false) ? Theme.warning : bar
      pieces.append(Piece(line: StyledLine("view (read-only) · \(viewing.progressLabel)", style), priority: 11))
    }

    if state.quitting {
      pieces.append(Piece(line: StyledLine("stopping the plugin…", Theme.warning), priority: 11))
    }
    switch state.phase {
    case .running, .handshaking:
      if let pid = state.pid { pieces.append(Piece(line: StyledLine("pid \(pid)", bar), priority: 9)) }
      if state.phase == .handshaking {
        pieces.append(Piece(line: StyledLine(state.phase.label, bar), priority: 8))
      }
    case .handshakeFailed, .buildFailed, .exited(_, expected: false):
      pieces.append(Piece(line: StyledLine(state.phase.label, Style(fg: .white, bg: .red, bold: true)), priority: 9))
    default:
      pieces.append(Piece(line: StyledLine(state.phase.label, bar), priority: 9))
    }
    if let started = state.startedAt, state.pid != nil, state.viewing == nil || state.viewing?.progress == .live {
      pieces.append(
        Piece(line: StyledLine("up " + Format.duration(state.now.timeIntervalSince(started)), bar), priority: 3))
    }
    if let diagnosis = state.diagnosis {
      pieces.append(
        Piece(line: StyledLine("✗ " + diagnosis.title, Style(fg: .red, bold: true, reverse: true)), priority: 9))
    } else if let handshake = state.handshake {
      let line = handshake.line
      var text = StyledLine("\(line.coreVersion)|\(line.appVersion)|\(line.network.rawValue)|\(line.protocolName)", bar)
      if !handshake.warnings.isEmpty {
        text.append(" ⚠\(handshake.warnings.count)", Style(fg: .yellow, bold: true, reverse: true))
      }
      pieces.append(Piece(line: text, priority: 5))
    }
    if let sample = state.latestHealth, state.handshake != nil {
      let (icon, style) = Theme.healthBadge(sample.displayLabel)
      var badge = StyledLine("\(icon) \(sample.displayLabel)", style)
      badge.append(" " + Format.latency(sample.latency), bar)
      pieces.append(Piece(line: badge, priority: 8))
    } else if state.phase == .running {
      pieces.append(Piece(line: StyledLine("○ health …", bar), priority: 2))
    }
    var frames = "\(state.frames.count) frames"
    if state.frames.droppedCount > 0 { frames += " (\(state.frames.droppedCount) dropped)" }
    pieces.append(Piece(line: StyledLine(frames, bar), priority: 6))
    // Always shown: the way out and the way to the keys.
    pieces.append(Piece(line: StyledLine("? help  q quit", bar), priority: 12))
    return pieces
  }
}
