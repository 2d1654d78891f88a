/// Draws the whole screen for a state; pure, so tests compare `canvas.lines` with literal text.
///
/// Cost is proportional to the visible rows, not to the number of frames or log lines held.
public func render(_ state: AppState, size: Size) -> Canvas {
  var canvas = Canvas(size: size)
  let layout = Layout(size: size, state: state)
  if layout.tooSmall {
    let message = "plugin-dev needs at least \(Layout.minimum.width)x\(Layout.minimum.height); this terminal is \(size)"
    for (row, line) in StyledLine(message).wrapped(width: size.width).enumerated() {
      canvas.put(line, x: 0, y: row)
    }
    return canvas
  }
  StatusBarView.draw(state, into: &canvas, layout.status)
  if !layout.frames.isEmpty { FramesView.draw(state, layout: layout, into: &canvas) }
  if !layout.side.isEmpty { SidePaneView.draw(state, layout: layout, into: &canvas) }
  if !layout.console.isEmpty { ConsoleView.draw(state, layout: layout, into: &canvas) }
  HintsView.draw(state, into: &canvas, layout.hints)
  if state.inspector != nil { InspectorView.draw(state, layout: layout, into: &canvas) }
  if state.logViewer != nil { LogViewerView.draw(state, layout: layout, into: &canvas) }
  if state.showHelp { HelpView.draw(state, layout: layout, into: &canvas) }
  return canvas
}
