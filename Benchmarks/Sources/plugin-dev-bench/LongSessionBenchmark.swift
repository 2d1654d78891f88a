import Foundation
import PluginHost
import PluginProtocol
import TerminalUI
import WireTap

/// Resident memory of this process, from /proc/self/statm.
func residentBytes() -> Int {
  guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
  let fields = text.split(separator: " ")
  guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
  return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// #14 targets 3 (memory) and 5: a recorded KV session decoded over and over into the TUI's
/// state until 1M frames went through a 100,000-frame log (`--frame-limit`'s default): resident
/// memory once the log is full and after 1M, and the time to render the TUI meanwhile.
func longSessionBenchmark() async throws {
  let chunks = try await recordKVSession(healthChecks: false)

  let capacity = 100_000
  var state = AppState(pluginName: "bench-kv", frameCapacity: capacity, size: Size(width: 160, height: 50))
  let before = residentBytes()
  var atFull = 0
  var frames = 0
  var renders: [Double] = []
  let clock = ContinuousClock()
  while frames < 1_000_000 {
    var decoder = RelayDecoder(registry: .goPlugin)
    for (id, direction, bytes) in chunks {
      for record in decoder.feed(.bytes(connection: id, direction: direction, bytes: bytes, time: Date())) {
        state.frames.append(record)
        frames += 1
        if frames == capacity { atFull = residentBytes() }
        if frames % 5_000 == 0 {
          let start = clock.now
          _ = render(state, size: state.size)
          renders.append(seconds(clock.now - start) * 1000)
        }
      }
    }
  }
  let after = residentBytes()
  report(
    String(
      format:
        "longsession: %d frames through a %d-frame log: resident +%.1f MiB once full, +%.1f MiB after all (%d dropped) — target ≤ 50 MiB per 100k frames, no growth past the limit",
      frames, capacity, Double(atFull - before) / 1_048_576, Double(after - before) / 1_048_576,
      state.frames.droppedCount))
  report(
    String(
      format:
        "longsession: TUI render (160×50, frame list at the newest) p50 %.2f ms, p99 %.2f ms, max %.2f ms over %d renders — target < 2 ms",
      percentile(renders, 0.5), percentile(renders, 0.99), renders.max() ?? .nan, renders.count))
}
