import Foundation
import PluginHost
import Testing
import WireTap

@testable import TerminalUI

/// Issue #15 item 8: health checks and connection upkeep stay behind `a` (their count in the
/// title) for the whole TUI session, restarts of the plugin included.
@Suite("frame-log noise: the view is kept across restarts")
struct FrameNoiseTests {
  @Test func theChosenViewSurvivesARestart() throws {
    var state = UsabilityTests.withNoise()
    #expect(!state.frameList.showAll)
    let hiddenBefore = state.frameList.hiddenCount(in: state.frames)
    #expect(hiddenBefore == 9)

    // Restarted: generation 2, more upkeep and health checks; still the calls view.
    let restart = try #require(Fixture.startInfo(pid: 5151, generation: 2))
    Fixture.feed(&state, [Fixture.event(.started(restart), 6)])
    Fixture.feed(&state, UsabilityTests.noise(7).map { Fixture.event(.frame($0), 7) })
    #expect(!state.frameList.showAll)
    #expect(state.frameList.hiddenCount(in: state.frames) == hiddenBefore + 5)
    #expect(render(state, size: state.size).lines[1].contains("· 14 hidden"))

    // All frames chosen, then another restart: still all frames.
    Fixture.press(&state, [.character("a")])
    let again = try #require(Fixture.startInfo(pid: 6161, generation: 3))
    Fixture.feed(&state, [Fixture.event(.started(again), 8)])
    Fixture.feed(&state, UsabilityTests.noise(9).map { Fixture.event(.frame($0), 9) })
    #expect(state.frameList.showAll)
    #expect(state.frameList.hiddenCount(in: state.frames) == 0)
    #expect(render(state, size: state.size).lines[1].contains("· all"))
  }
}
