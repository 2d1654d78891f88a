import Foundation

/// Applies one action to the state and returns the work the runtime must do; pure.
public func update(_ state: inout AppState, _ action: Action) -> [Effect] {
  let logsBefore = state.logs.droppedCount + state.logs.count
  let effects = reduce(&state, action)
  state.logsDidGrow(by: state.logs.droppedCount + state.logs.count - logsBefore)
  return effects
}

private func reduce(_ state: inout AppState, _ action: Action) -> [Effect] {
  switch action {
  case .key(let key):
    return state.handle(key)
  case .mouse(let event):
    return state.handle(event)
  case .resize(let size):
    state.size = size
    state.reclamp()
    return []
  case .tick(let date):
    state.now = date
    return []
  case .session(let event, let time):
    state.now = max(state.now, time)
    state.apply(event, at: time)
    if case .call(let record) = event { return state.execResultShown(record) }
    return []
  case .startFinished(let ready):
    if !ready, state.diagnosis == nil, !state.sideTabChosen { state.sideTab = .logs }
    return state.pluginBecameReady(ready)
  case .callFinished(let record):
    state.console.pendingCalls = max(0, state.console.pendingCalls - 1)
    if state.console.pendingCalls == 0 { state.console.pendingSince = nil }
    return state.execCallFinished(record)
  case .restartFinished(let ready):
    state.console.output.append(
      ready
        ? .info("restarted: the plugin is ready")
        : .error("restart: the plugin did not become ready (see Handshake and Logs)"))
    if state.execInFlight { state.execInFlight = false }
    return state.pluginBecameReady(ready)
  case .exportFinished(let path, let frames, let error):
    if let error {
      state.console.output.append(.error("export to \(path) failed: \(error)"))
    } else {
      state.console.output.append(.info("wrote \(frames) frames to \(path) (JSON lines)"))
    }
    return state.execStepFinished()
  case .captureExportFinished(let path, let summary, let error):
    if let error {
      state.console.output.append(.error("export to \(path) failed: \(error)"))
    } else if let summary {
      state.console.output.append(.info(summary))
    }
    return state.execStepFinished()
  case .quitRequested(let reason):
    return state.quit(reason: reason)
  case .viewProgress(let progress):
    state.viewing?.progress = progress
    return []
  case .hostOutput(let line):
    state.logs.append(LogLine(time: state.now, source: .host(line)))
    return []
  }
}

extension AppState {
  /// Starts quitting once: marks the state and asks the runtime to stop.
  mutating func quit(reason: String) -> [Effect] {
    guard !quitting else { return [] }
    quitting = true
    if pid != nil { phase = .stopping }
    logs.append(LogLine(time: now, source: .notice("quitting (\(reason))")))
    return [.quit]
  }

  /// Keeps scroll positions valid after a size change.
  mutating func reclamp() {
    let layout = Layout(state: self)
    frameList.clamp(total: frameList.count(in: frames), visibleRows: layout.frameRows)
    for tab in [SideTab.handshake, .health] {
      sideScroll[tab] = min(sideScroll[tab] ?? 0, maxSideScroll(tab, layout: layout))
    }
    if var inspector {
      inspector.scroll = min(inspector.scroll, maxInspectorScroll(layout))
      self.inspector = inspector
    }
    if var logViewer {
      logViewer.scroll = min(logViewer.scroll, LogViewerView.maxScroll(self, layout: layout))
      self.logViewer = logViewer
    }
    logScroll = min(logScroll, maxSideScroll(.logs, layout: layout))
    keepLogSelectionInView(rows: layout.sideContent.height)
  }

  func maxSideScroll(_ tab: SideTab, layout: Layout) -> Int {
    let content = layout.sideContent
    if tab == .logs { return max(0, logs.count - content.height) }
    return TextView.maxScroll(
      count: SidePaneView.document(self, tab: tab, width: content.width).count, rows: content.height)
  }

  func maxInspectorScroll(_ layout: Layout) -> Int {
    TextView.maxScroll(count: InspectorView.lineCount(self, layout: layout), rows: layout.inspectorRows)
  }
}
