extension AppState {
  /// Wheel scrolls the pane under the pointer; a press focuses a pane, selects a frame (a press
  /// on the selected frame inspects it) or picks a side tab.
  mutating func handle(_ event: MouseEvent) -> [Effect] {
    if quitting { return [] }
    if showHelp {
      if event.kind == .press { showHelp = false }
      return []
    }
    let layout = Layout(state: self)
    let step = event.kind == .wheelUp ? -3 : 3
    if var viewer = logViewer {
      if event.kind != .press {
        viewer.scroll = min(max(0, viewer.scroll + step), LogViewerView.maxScroll(self, layout: layout))
        logViewer = viewer
      }
      return []
    }
    if inspector != nil {
      guard event.kind != .press, var current = inspector else { return [] }
      current.scroll = min(max(0, current.scroll + step), maxInspectorScroll(layout))
      inspector = current
      return []
    }
    if layout.frames.contains(x: event.x, y: event.y) {
      if event.kind == .press {
        let shown = FramesView.window(self, rows: layout.frameRows)
        let index = event.y - layout.frameListTop
        if index >= 0, index < shown.count, case .frame(let row) = shown[index] {
          if row == frameList.selected, focus == .frames {
            openInspector()
          } else {
            frameList.select(row: row, log: frames, visibleRows: layout.frameRows)
          }
        }
        focus = .frames
        frameList.editing = false
      } else {
        frameList.move(by: step, log: frames, visibleRows: layout.frameRows)
      }
    } else if layout.side.contains(x: event.x, y: event.y) {
      if event.kind == .press {
        focus = .side
        if event.y == layout.side.y {
          let column = event.x - layout.side.x
          if let index = SidePaneView.tabRanges(self).firstIndex(where: { $0.contains(column) }),
            let tab = SideTab(rawValue: index)
          {
            sideTab = tab
            sideTabChosen = true
          }
        }
      } else {
        scrollSide(by: step, layout: layout)
      }
    } else if layout.console.contains(x: event.x, y: event.y) {
      if event.kind == .press {
        focus = .console
      } else {
        let rows = max(1, layout.consoleOutputRows)
        console.scroll = min(max(0, console.scroll - step), max(0, console.output.count - rows))
      }
    }
    return []
  }
}
