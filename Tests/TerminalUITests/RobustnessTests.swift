import Foundation
import PluginHost
import PluginSession
import TerminalUI
import Testing
import WireTap

/// Rendering never fails, whatever the size or the text.
@Suite("robustness")
struct RobustnessTests {
  static let sizes: [Size] = [
    Size(width: 0, height: 0), Size(width: 1, height: 1), Size(width: 10, height: 3), Size(width: 39, height: 11),
    Size(width: 40, height: 12), Size(width: 41, height: 13), Size(width: 80, height: 24), Size(width: 81, height: 25),
    Size(width: 109, height: 30), Size(width: 110, height: 40), Size(width: 300, height: 100),
  ]

  @Test(arguments: sizes)
  func everyScreenRendersAtEverySize(_ size: Size) {
    for (name, fixture) in RenderTests.screens() {
      var state = fixture
      _ = update(&state, .resize(size))
      let canvas = render(state, size: size)
      #expect(canvas.lines.count == size.height, "\(name)")
      #expect(canvas.lines.allSatisfy { $0.count <= size.width }, "\(name)")
    }
  }

  @Test func tooSmallSaysSo() {
    let canvas = render(Fixture.running(), size: Size(width: 30, height: 10))
    #expect(canvas.lines.joined(separator: " ").contains("needs at least 40x12"))
  }

  @Test func oddTextDoesNotBreakRows() {
    var state = Fixture.running(size: RenderTests.large)
    let weird = "tab\there\r\nline\u{0}nul \u{1b}[2J 世界 e\u{301} 👍🏽 " + String(repeating: "long ", count: 100)
    let record = Fixture.frame(9, .pluginToHost, stream: 7, "DATA", length: 3, "DATA " + weird, method: weird)
    Fixture.feed(
      &state,
      [
        Fixture.event(.frame(record), 9),
        Fixture.event(.log(Fixture.log(.error, weird)), 9),
        Fixture.event(.strayStdout(weird), 9),
        Fixture.event(
          .call(
            CallRecord(
              command: weird, method: "/x", code: .unknown, result: weird, started: Fixture.at(9), ended: Fixture.at(9))
          ), 9),
      ])
    Fixture.press(&state, [.character("3"), .enter])
    for size in [RenderTests.small, RenderTests.large] {
      _ = update(&state, .resize(size))
      let canvas = render(state, size: size)
      #expect(canvas.lines.count == size.height)
      #expect(canvas.lines.allSatisfy { $0.count <= size.width && !$0.contains("\u{1b}") && !$0.contains("\t") })
    }
  }

  @Test func aHugeLogRendersOnlyWhatIsVisible() {
    var state = Fixture.running(size: RenderTests.large, capacity: 1_000)
    for index in 0..<5_000 {
      let record = Fixture.frame(
        10 + Double(index) / 1000, .hostToPlugin, stream: UInt32(index % 7), "PING", length: 8, "PING \(index)")
      Fixture.feed(&state, [Fixture.event(.frame(record), 10)])
    }
    #expect(state.frames.count == 1_000)
    #expect(state.frames.droppedCount == 4_015)
    #expect(state.frameList.count(in: state.frames) == 0, "PINGs are hidden in the calls view")
    Fixture.press(&state, [.character("a")])
    let lines = render(state, size: RenderTests.large).lines
    #expect(lines[0].contains("1000 frames (4015 dropped)"))
    #expect(lines.contains { $0.contains("PING 4999") })
  }
}
