import Capture
import Foundation
import Synchronization

/// The relay traffic of a session as pcapng: written to `run --pcap FILE` as it comes, and kept in
/// memory within a byte limit for the console's `export FILE.pcapng`.
///
/// One `CaptureRecorder` spans the session's starts (each start's relay is a new `relayStarted`),
/// so flows, host ports and the plugin's port stay consistent across restarts. Like the frame
/// log, `clear` does not empty it: tshark decodes headers (HPACK) only from a connection's start.
package final class TrafficCapture: Sendable {
  private struct State {
    var recorder = CaptureRecorder()
    var memory: CaptureBuffer
    var file: PcapngFile?
    var fileCounts = CaptureCounts()
    var fileError: String?
    var summary: CaptureSummary?
    var announced = false
  }

  /// The `--pcap` file, if any.
  let pcapPath: String?
  private let state: Mutex<State>

  /// A capture kept in memory up to `memoryLimit` bytes and, with `pcapPath`, streamed to that file.
  package init(pcapPath: String?, memoryLimit: Int) {
    var state = State(memory: CaptureBuffer(limit: memoryLimit))
    if let pcapPath {
      do {
        state.file = try PcapngFile(path: pcapPath)
      } catch {
        state.fileError = error.description
      }
    }
    self.pcapPath = pcapPath
    self.state = Mutex(state)
  }

  /// A relay started; the first time, what to tell the user about the `--pcap` file (where it
  /// goes and how to read it, or why it cannot be written).
  package func relayStarted(_ relay: CaptureRelay) -> String? {
    state.withLock { state in
      apply(&state, payload: 0) { $0.relayStarted(relay, at: Date()) }
      guard let pcapPath, !state.announced else { return nil }
      state.announced = true
      if let error = state.fileError, state.file == nil { return "--pcap: \(error); recording no capture file" }
      let summary = CaptureSummary(path: pcapPath, counts: .init(), decodePort: state.recorder.decodePort)
      return "recording the relay's traffic to \(pcapPath) (pcapng); read it with: \(summary.readCommand)"
    }
  }

  /// Records one relay event.
  package func record(_ event: CaptureEvent) {
    state.withLock { state in apply(&state, payload: event.payloadCount) { $0.record(event) } }
  }

  /// The relay stopped: its open flows are closed.
  package func relayEnded() {
    state.withLock { state in apply(&state, payload: 0) { $0.relayEnded(at: Date()) } }
  }

  /// Ends the capture and closes the file; what it holds (nil without `--pcap`). Idempotent.
  package func finish() -> CaptureSummary? {
    state.withLock { state in
      if let summary = state.summary { return summary }
      guard let pcapPath else { return nil }
      apply(&state, payload: 0) { $0.finish(at: Date()) }
      state.file?.close()
      state.file = nil
      let summary = CaptureSummary(
        path: pcapPath, counts: state.fileCounts, decodePort: state.recorder.decodePort, error: state.fileError)
      state.summary = summary
      return summary
    }
  }

  /// Writes what the memory holds (the traffic so far, up to the limit) to `path` as pcapng.
  package func export(to path: String) throws(PcapngFileError) -> CaptureSummary {
    let (bytes, summary) = state.withLock { state in
      // Before the first relay nothing is recorded yet: an empty capture is still a valid file.
      var empty = CaptureRecorder()
      let bytes = state.memory.bytes.isEmpty ? empty.finish(at: Date()) : state.memory.bytes
      let summary = CaptureSummary(
        path: (path as NSString).expandingTildeInPath, counts: state.memory.counts,
        decodePort: state.recorder.decodePort, filledLimit: state.memory.isFull ? state.memory.limit : nil,
        unrecordedBytes: state.memory.unrecordedBytes)
      return (bytes, summary)
    }
    try PcapngFile.write(bytes, to: path)
    return summary
  }

  /// Hands one step's blocks to the memory and the file; a failed write ends the file (and says why at the end).
  private func apply(_ state: inout State, payload: Int, _ step: (inout CaptureRecorder) -> [UInt8]) {
    guard state.summary == nil else { return }
    let blocks = step(&state.recorder)
    state.memory.append(blocks, counts: state.recorder.counts, payload: payload)
    guard let file = state.file else { return }
    do {
      try file.write(blocks)
      state.fileCounts = state.recorder.counts
    } catch {
      state.fileError = error.description
      file.close()
      state.file = nil
    }
  }
}
