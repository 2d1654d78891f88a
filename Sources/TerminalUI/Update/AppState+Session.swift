import Foundation
import PluginHost
import PluginSession
import WireTap

extension AppState {
  /// Folds one session event into the state.
  mutating func apply(_ event: SessionEvent, at time: Date) {
    switch event {
    case .buildStarted(let command):
      phase = .building
      buildCommand = command
      logs.append(LogLine(time: time, source: .notice("build: \(command)")))
    case .buildOutput(let line, let stream):
      logs.append(LogLine(time: time, source: .build(line, isStderr: stream == .stderr)))
    case .buildFinished(let status, let seconds):
      if status.isSuccess {
        logs.append(LogLine(time: time, source: .notice(String(format: "build done in %.1f s", seconds))))
      } else {
        phase = .buildFailed(status.description)
        logs.append(
          LogLine(
            time: time, source: .notice(String(format: "build FAILED (%@) after %.1f s", status.description, seconds))))
        if !sideTabChosen { sideTab = .logs }
      }
    case .started(let info):
      if info.generation > 1, let last = frames.last {
        restartMarks.append(RestartMark(afterSequence: last.sequence, pid: info.pid, generation: info.generation))
        if restartMarks.count > Self.restartMarkLimit {
          restartMarks.removeFirst(restartMarks.count - Self.restartMarkLimit)
        }
      }
      phase = .handshaking
      pid = info.pid
      startedAt = info.startedAt
      generation = info.generation
      command = info.command
      hostProfile = info.host
      workingDirectory = info.workingDirectory
      environment = info.environment
      removedEnvironment = info.removedEnvironment
      inheritedEnvironmentCount = info.inheritedCount
      handshake = nil
      diagnosis = nil
      tap = nil
      logs.append(LogLine(time: time, source: .notice("started pid \(info.pid): \(info.command)")))
    case .handshake(let line, let raw, let warnings, let seconds):
      handshake = HandshakeInfo(line: line, raw: raw, warnings: warnings, seconds: seconds)
      // Attached (`run --attach`), a session has no start: its handshake means running too.
      if phase == .handshaking || phase == .idle { phase = .running }
    case .handshakeFailed(let failure):
      diagnosis = failure
      phase = .handshakeFailed
      sideTab = .handshake
      sideScroll[.handshake] = 0
      logs.append(LogLine(time: time, source: .notice("handshake failed: \(failure.title)")))
    case .log(let entry):
      logs.append(LogLine(time: time, source: .log(entry)))
    case .strayStdout(let line):
      logs.append(LogLine(time: time, source: .strayStdout(line)))
    case .tapReady(let local, let plugin):
      tap = (local, plugin)
    case .frame(let record):
      appendFrame(record)
    case .health(let sample):
      if health.last?.label != sample.label { healthChanges.append(sample) }
      health.append(sample)
    case .call(let record):
      console.output.append(.result(record))
      for line in record.detail { console.output.append(.info("  " + line)) }
      console.scroll = 0
      if !record.method.isEmpty { console.lastCall = record }
    case .schemas(let catalog):
      console.catalog = catalog
    case .serving(let config):
      reattach = config
      logs.append(LogLine(time: time, source: .notice("serving: a host can reattach with \(config.goPluginJSON)")))
      if let line = config.hostLine { logs.append(LogLine(time: time, source: .notice(line))) }
    case .notice(let text):
      logs.append(LogLine(time: time, source: .notice(text)))
    case .exited(let status, let expected):
      pid = nil
      lastExit = status.description
      if phase != .handshakeFailed, !(phase == .buildFailed(status.description)) {
        phase = .exited(status.description, expected: expected)
      }
      logs.append(LogLine(time: time, source: .notice("plugin exited: \(status)\(expected ? "" : " (unexpected)")")))
      if !expected, diagnosis == nil, !sideTabChosen { sideTab = .logs }
    case .finished:
      phase = .finished
    }
  }

  /// Appends a frame, keeping the list's cache, follow mode and the inspector's stream current.
  mutating func appendFrame(_ record: FrameRecord) {
    let droppedBefore = frames.droppedCount
    frames.append(record)
    guard let stored = frames.last else { return }
    frameList.didAppend(stored, to: frames, dropped: frames.droppedCount - droppedBefore, visibleRows: visibleFrameRows)
    if var inspector, let position = frames.position(ofSequence: inspector.sequence) {
      let shown = frames[position]
      if shown.connection == stored.connection, shown.streamID == stored.streamID {
        inspector.streamSequences.append(stored.sequence)
        self.inspector = inspector
      }
    }
  }
}
