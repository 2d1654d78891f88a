import WireTap

extension AppState {
  /// Applies a key in the current mode: help, log viewer, inspector, filter typing, console,
  /// then panes.
  mutating func handle(_ key: Key) -> [Effect] {
    if key == .control("c") { return console.pendingCalls > 0 ? cancelCalls() : quit(reason: "Ctrl-C") }
    if quitting { return [] }
    if showHelp { return handleHelp(key) }
    if logViewer != nil { return handleLogViewer(key) }
    if inspector != nil { return handleInspector(key) }
    if frameList.editing { return handleFilterEditing(key) }
    if focus == .console { return handleConsole(key) }

    switch key {
    case .character("q"): return quit(reason: "q")
    case .character("?"):
      showHelp = true
      helpScroll = 0
    case .tab, .backTab: focus = focus.cycled(backwards: key == .backTab)
    case .character(":"), .character("i"): focus = .console
    case .character("/"):
      focus = .frames
      frameList.editing = true
      frameList.queryBeforeEditing = frameList.query
      frameList.editor.setText(frameList.query)
    case .character("f"):
      if frameList.follow {
        frameList.follow = false
      } else {
        frameList.followNewest(log: frames, visibleRows: visibleFrameRows)
      }
    case .character("r") where viewing != nil, .character("R") where viewing != nil:
      console.output.append(.error(viewing?.readOnlyMessage ?? ""))
    case .character("r"):
      console.output.append(.info("restarting the plugin: its build step first (if it has one), then start…"))
      return [.restart(rebuild: true)]
    case .character("R"):
      console.output.append(.info("restarting the plugin without its build step…"))
      return [.restart(rebuild: false)]
    case .character("1"), .character("2"), .character("3"):
      if case .character(let digit) = key, let number = digit.wholeNumberValue, let tab = SideTab(rawValue: number - 1)
      {
        sideTab = tab
        sideTabChosen = true
      }
    case .character("a"): frameList.setShowAll(!frameList.showAll, log: frames, visibleRows: visibleFrameRows)
    case .character("x"): frameList.setQuery("", log: frames, visibleRows: visibleFrameRows)
    case .character("z"):
      zoomed.toggle()
      reclamp()
    case .control("l"): return [.repaint]
    case .escape:
      // Leaves the side pane; never clears the filter (x does, and the frames title shows it).
      if focus == .side { focus = .frames }
    default:
      switch focus {
      case .frames: return handleFrames(key)
      case .side: handleSide(key)
      case .console: break
      }
    }
    return []
  }

  /// Help: j/k and pages scroll it; q, Esc and any other key close it (q does not quit here,
  /// as in less, k9s or lazygit).
  private mutating func handleHelp(_ key: Key) -> [Effect] {
    let layout = Layout(state: self)
    let page = max(1, HelpView.box(layout).height - 3)
    var delta = 0
    switch key {
    case .character("j"), .down: delta = 1
    case .character("k"), .up: delta = -1
    case .pageDown, .character(" "): delta = page
    case .pageUp: delta = -page
    default:
      showHelp = false
      return []
    }
    helpScroll = min(max(0, helpScroll + delta), HelpView.maxScroll(layout))
    return []
  }

  private mutating func handleFrames(_ key: Key) -> [Effect] {
    let rows = visibleFrameRows
    switch key {
    case .character("j"), .down: frameList.move(by: 1, log: frames, visibleRows: rows)
    case .character("k"), .up: frameList.move(by: -1, log: frames, visibleRows: rows)
    case .pageDown, .control("d"): frameList.move(by: rows, log: frames, visibleRows: rows)
    case .pageUp, .control("u"): frameList.move(by: -rows, log: frames, visibleRows: rows)
    case .character("g"), .home:
      frameList.follow = false
      frameList.select(row: 0, log: frames, visibleRows: rows)
    case .character("G"), .end: frameList.followNewest(log: frames, visibleRows: rows)
    case .enter: openInspector()
    default: break
    }
    return []
  }

  private mutating func handleSide(_ key: Key) {
    let layout = Layout(state: self)
    let page = max(1, layout.sideContent.height - 1)
    if sideTab == .logs, handleLogs(key, layout: layout) { return }
    switch key {
    case .left, .character("h"):
      sideTab = sideTab.cycled(backwards: true)
      sideTabChosen = true
    case .right, .character("l"):
      sideTab = sideTab.cycled(backwards: false)
      sideTabChosen = true
    case .character("j"), .down: scrollSide(by: 1, layout: layout)
    case .character("k"), .up: scrollSide(by: -1, layout: layout)
    case .pageDown, .control("d"): scrollSide(by: page, layout: layout)
    case .pageUp, .control("u"): scrollSide(by: -page, layout: layout)
    case .character("g"), .home: scrollSide(by: Int.min / 2, layout: layout)
    case .character("G"), .end: scrollSide(by: Int.max / 2, layout: layout)
    default: break
    }
  }

  /// Scrolls the side tab; positive is down (towards newer log lines).
  mutating func scrollSide(by delta: Int, layout: Layout) {
    let limit = maxSideScroll(sideTab, layout: layout)
    if sideTab == .logs {
      logScroll = min(max(0, logScroll - delta), limit)
      keepLogSelectionInView(rows: layout.sideContent.height)
    } else {
      sideScroll[sideTab] = min(max(0, (sideScroll[sideTab] ?? 0) + delta), limit)
    }
  }

  private mutating func handleFilterEditing(_ key: Key) -> [Effect] {
    switch key {
    case .enter:
      frameList.editing = false
      _ = frameList.editor.submit()
    case .escape:
      frameList.editing = false
      frameList.editor.clear()
      frameList.setQuery(frameList.queryBeforeEditing, log: frames, visibleRows: visibleFrameRows)
    case .control("l"):
      return [.repaint]
    default:
      if frameList.editor.handle(key) {
        frameList.setQuery(frameList.editor.text, log: frames, visibleRows: visibleFrameRows)
      }
    }
    return []
  }

  // MARK: Inspector

  /// Opens the inspector on the selected frame.
  mutating func openInspector() {
    guard let record = frameList.selectedRecord(in: frames) else { return }
    inspect(record)
  }

  private mutating func inspect(_ record: FrameRecord) {
    var sequences: [Int] = []
    for other in frames where other.connection == record.connection && other.streamID == record.streamID {
      sequences.append(other.sequence)
    }
    inspector = InspectorState(sequence: record.sequence, streamSequences: sequences)
  }

  private mutating func handleInspector(_ key: Key) -> [Effect] {
    guard var current = inspector else { return [] }
    let layout = Layout(state: self)
    let page = max(1, layout.inspectorRows - 1)
    switch key {
    case .escape:
      inspector = nil
      return []
    case .character("q"): return quit(reason: "q")
    case .character("?"):
      showHelp = true
      helpScroll = 0
      return []
    case .control("l"): return [.repaint]
    case .character("j"), .down: current.scroll += 1
    case .character("k"), .up: current.scroll -= 1
    case .pageDown, .control("d"), .character(" "): current.scroll += page
    case .pageUp, .control("u"): current.scroll -= page
    case .character("g"), .home: current.scroll = 0
    case .character("G"), .end: current.scroll = Int.max / 2
    case .character("n"), .character("p"):
      let step = key == .character("n") ? 1 : -1
      if let index = current.streamSequences.firstIndex(of: current.sequence) {
        let target = index + step
        if target >= 0, target < current.streamSequences.count {
          current.sequence = current.streamSequences[target]
          current.scroll = 0
          if let row = frameList.row(ofSequence: current.sequence, in: frames) {
            frameList.select(row: row, log: frames, visibleRows: visibleFrameRows)
          }
        }
      }
    case .left, .character("h"), .right, .character("l"):
      let step = (key == .left || key == .character("h")) ? -1 : 1
      frameList.move(by: step, log: frames, visibleRows: visibleFrameRows)
      if let record = frameList.selectedRecord(in: frames), record.sequence != current.sequence {
        inspect(record)
        return []
      }
    default:
      return []
    }
    current.scroll = max(0, current.scroll)
    inspector = current
    let limit = maxInspectorScroll(layout)
    current.scroll = min(current.scroll, limit)
    inspector = current
    return []
  }
}
