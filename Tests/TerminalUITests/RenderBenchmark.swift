import Foundation
import PluginHost
import TerminalUI
import Testing
import WireTap

/// Median time to render a 100k-frame screen at 132x43. Skipped unless `TUI_BENCH` is set:
///
///     TUI_BENCH=1 swift test -c release --scratch-path .build-release --filter RenderBenchmark
@Suite("render benchmark", .enabled(if: ProcessInfo.processInfo.environment["TUI_BENCH"] != nil))
struct RenderBenchmark {
  static let frames = 100_000
  static let rounds = 500

  /// A running session with 100k frames (unary calls and their connection frames) and 10k log lines.
  static func bigState() -> (AppState, appendSeconds: Double) {
    var state = Fixture.running(size: RenderTests.large, capacity: frames)
    let clock = ContinuousClock()
    let start = clock.now
    var index = 0
    while state.frames.count < frames {
      let base = 100 + Double(index) * 0.01
      for record in Fixture.call(
        base, stream: UInt32(5 + 2 * index), method: index % 2 == 0 ? "/proto.KV/Put" : "/proto.KV/Get",
        request: Fixture.message(
          "PutRequest", request: true, "PutRequest {key: \"k\(index)\", value: 5 bytes \"hello\"}",
          fields: [("key", "\"k\(index)\"")], bytes: 10),
        requestBytes: Fixture.putRequestBytes,
        response: Fixture.message("Empty", request: false, "Empty {}", fields: [], bytes: 0),
        responseBytes: [0, 0, 0, 0, 0])
      {
        _ = update(&state, .session(.frame(record), at: record.time))
      }
      index += 1
    }
    let appendSeconds = (clock.now - start).seconds
    for line in 0..<10_000 {
      _ = update(&state, .session(.log(Fixture.log(.info, "line \(line)")), at: Fixture.at(200)))
    }
    return (state, appendSeconds)
  }

  static func median(_ state: AppState) -> (median: Double, p95: Double) {
    let clock = ContinuousClock()
    var samples: [Double] = []
    var checksum = 0
    for _ in 0..<rounds {
      let start = clock.now
      let canvas = render(state, size: state.size)
      samples.append((clock.now - start).seconds)
      checksum &+= canvas.cells.count
    }
    #expect(checksum == rounds * state.size.width * state.size.height)
    samples.sort()
    return (samples[samples.count / 2], samples[samples.count * 95 / 100])
  }

  @Test func renderOf100kFrames() {
    var (state, appendSeconds) = Self.bigState()
    #expect(state.frames.count == Self.frames)
    var report = String(
      format: "append: %.2f µs per frame (update, %d frames)\n", appendSeconds / Double(Self.frames) * 1e6, Self.frames)
    let baseline = Self.median(Fixture.running(size: RenderTests.large))
    report += String(
      format: "baseline, 15 frames: median %.3f ms, p95 %.3f ms per render\n", baseline.median * 1000,
      baseline.p95 * 1000)
    let cases: [(String, (inout AppState) -> Void)] = [
      ("follow, newest at the bottom", { _ in }),
      (
        "scrolled to the middle",
        { state in
          _ = update(&state, .key(.character("g")))
          for _ in 0..<(Self.frames / 2 / state.visibleFrameRows) { _ = update(&state, .key(.pageDown)) }
        }
      ),
      (
        "filter method:Get active",
        { state in
          _ = update(&state, .key(.character("/")))
          for character in "method:Get" { _ = update(&state, .key(.character(character))) }
          _ = update(&state, .key(.enter))
        }
      ),
      ("Logs tab (10k lines)", { state in _ = update(&state, .key(.character("3"))) }),
      ("inspector open", { state in _ = update(&state, .key(.enter)) }),
    ]
    for (name, setUp) in cases {
      setUp(&state)
      let (median, p95) = Self.median(state)
      report += String(
        format: "%@: median %.3f ms, p95 %.3f ms per render (%d renders, 132x43)\n", name, median * 1000, p95 * 1000,
        Self.rounds)
      #expect(median < 0.050, "\(name): \(median * 1000) ms")
    }
    print(report)
  }
}

extension Duration {
  /// The duration in seconds.
  var seconds: Double {
    let (whole, attoseconds) = components
    return Double(whole) + Double(attoseconds) / 1e18
  }
}
