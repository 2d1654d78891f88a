import Foundation
import PluginHost
import PluginSession
import TerminalUI
import Testing
import WireTap

/// Key, mouse and session handling in `update`, without a terminal.
@Suite("update")
struct UpdateTests {
  @Test func tabCyclesFocusAndShiftTabGoesBack() {
    var state = Fixture.running()
    #expect(state.focus == .frames)
    Fixture.press(&state, [.tab])
    #expect(state.focus == .side)
    Fixture.press(&state, [.tab])
    #expect(state.focus == .console)
    Fixture.press(&state, [.tab])
    #expect(state.focus == .frames)
    Fixture.press(&state, [.backTab])
    #expect(state.focus == .console)
    Fixture.press(&state, [.backTab, .backTab])
    #expect(state.focus == .frames)
  }

  @Test(arguments: [Key.character(":"), .character("i")])
  func consoleKeysFocusTheInputAndEscLeaves(_ key: Key) {
    var state = Fixture.running()
    Fixture.press(&state, [key])
    #expect(state.focus == .console)
    Fixture.type(&state, "q?r/")
    #expect(state.console.input.text == "q?r/", "keys are text while the console has focus")
    #expect(!state.quitting)
    Fixture.press(&state, [.escape])
    #expect(state.focus == .frames)
  }

  @Test func qQuitsOnceAndCtrlCQuitsFromTheConsole() {
    var state = Fixture.running()
    #expect(Fixture.press(&state, [.character("q")]) == [.quit])
    #expect(state.quitting)
    #expect(state.phase == .stopping)
    #expect(Fixture.press(&state, [.character("q"), .control("c")]).isEmpty, "quit is asked for once")

    var console = Fixture.running()
    Fixture.press(&console, [.character(":")])
    #expect(Fixture.press(&console, [.control("c")]) == [.quit])
  }

  @Test func signalsQuitLikeQ() {
    var state = Fixture.running()
    #expect(update(&state, .quitRequested(reason: "signal 15")) == [.quit])
    #expect(state.quitting)
    #expect(update(&state, .quitRequested(reason: "signal 15")).isEmpty)
  }

  @Test func movingUpLeavesFollowAndGComesBack() {
    var state = Fixture.running()
    Fixture.press(&state, [.character("a")])  // every frame
    let last = state.frames.count - 1
    #expect(state.frameList.follow)
    #expect(state.frameList.selected == last)
    Fixture.press(&state, [.character("k"), .up])
    #expect(state.frameList.selected == last - 2)
    #expect(!state.frameList.follow)
    Fixture.press(&state, [.character("j")])
    #expect(state.frameList.selected == last - 1)
    Fixture.press(&state, [.character("g")])
    #expect(state.frameList.selected == 0)
    #expect(state.frameList.top == 0)
    Fixture.press(&state, [.pageDown])
    #expect(state.frameList.selected == state.visibleFrameRows)
    Fixture.press(&state, [.character("G")])
    #expect(state.frameList.follow)
    #expect(state.frameList.selected == last)
  }

  @Test func followModeTracksNewFramesOnlyWhenOn() {
    var state = Fixture.running()
    Fixture.press(&state, [.character("a")])  // every frame
    let extra = Fixture.frame(9, .hostToPlugin, stream: 0, "PING", length: 8, "PING 0000000000000000")
    Fixture.feed(&state, [Fixture.event(.frame(extra), 9)])
    #expect(state.frameList.selected == state.frames.count - 1)
    Fixture.press(&state, [.character("f")])
    #expect(!state.frameList.follow)
    let selected = state.frameList.selected
    Fixture.feed(&state, [Fixture.event(.frame(extra), 9.1)])
    #expect(state.frameList.selected == selected)
    Fixture.press(&state, [.character("f")])
    #expect(state.frameList.follow)
    #expect(state.frameList.selected == state.frames.count - 1)
  }

  @Test func filterIsTypedLiveEnterKeepsItEscRestoresIt() {
    var state = Fixture.running()
    Fixture.press(&state, [.character("a")])  // every frame
    Fixture.press(&state, [.character("/")])
    #expect(state.frameList.editing)
    Fixture.type(&state, "method:Put")
    #expect(state.frameList.query == "method:Put")
    #expect(state.frameList.count(in: state.frames) == 5)
    Fixture.press(&state, [.enter])
    #expect(!state.frameList.editing)
    #expect(state.frameList.count(in: state.frames) == 5)

    Fixture.press(&state, [.character("/")])
    #expect(state.frameList.editor.text == "method:Put")
    Fixture.press(&state, [.control("u")])
    Fixture.type(&state, "dir:out")
    #expect(state.frameList.count(in: state.frames) == 8)
    Fixture.press(&state, [.escape])
    #expect(state.frameList.query == "method:Put", "Esc while typing restores the previous filter")

    Fixture.press(&state, [.escape])
    #expect(state.frameList.query == "method:Put", "Esc on the frame list does not clear the filter")
    Fixture.press(&state, [.character("x")])
    #expect(state.frameList.query.isEmpty, "x clears it")
    #expect(state.frameList.count(in: state.frames) == state.frames.count)
  }

  @Test(arguments: [
    ("stream:3", 5), ("type:SETTINGS", 4), ("dir:in", 7), ("<", 8), ("hello", 2), ("-type:DATA", 11), ("is:error", 0),
  ])
  func filterTerms(_ query: String, _ count: Int) {
    var state = Fixture.running()
    Fixture.press(&state, [.character("a"), .character("/")])
    Fixture.type(&state, query)
    #expect(state.frameList.count(in: state.frames) == count, "\(query)")
  }

  @Test func filteredListFollowsNewMatchingFramesOnly() {
    var state = Fixture.running()
    Fixture.press(&state, [.character("/")])
    Fixture.type(&state, "method:Get")
    Fixture.press(&state, [.enter])
    let before = state.frameList.count(in: state.frames)
    let ping = Fixture.frame(9, .hostToPlugin, stream: 0, "PING", length: 8, "PING 0000000000000000")
    let get = Fixture.frame(
      9.1, .hostToPlugin, stream: 5, "HEADERS", length: 17, "HEADERS /proto.KV/Get", method: "/proto.KV/Get")
    Fixture.feed(&state, [Fixture.event(.frame(ping), 9), Fixture.event(.frame(get), 9.1)])
    #expect(state.frameList.count(in: state.frames) == before + 1)
    #expect(state.frameList.selectedRecord(in: state.frames)?.streamID == 5)
  }

  @Test func consoleHistoryWithUpAndDown() {
    var state = Fixture.running()
    Fixture.press(&state, [.character(":")])
    Fixture.type(&state, "health")
    Fixture.press(&state, [.up])
    #expect(state.console.input.text == "get a")
    Fixture.press(&state, [.up])
    #expect(state.console.input.text == "put a hello")
    Fixture.press(&state, [.up])
    #expect(state.console.input.text == "put a hello", "stops at the oldest")
    Fixture.press(&state, [.down])
    #expect(state.console.input.text == "get a")
    Fixture.press(&state, [.down])
    #expect(state.console.input.text == "health", "the line being typed comes back")
  }

  @Test func consoleCommandsBecomeEffects() {
    var state = Fixture.running()
    Fixture.press(&state, [.character(":")])
    func run(_ line: String) -> [Effect] {
      Fixture.type(&state, line)
      return Fixture.press(&state, [.enter])
    }
    #expect(run("get a") == [.runCall(.get(key: "a"), text: "get a")])
    #expect(run("put k 0x0aff") == [.runCall(.put(key: "k", value: Data([0x0a, 0xff])), text: "put k 0x0aff")])
    #expect(run("health") == [.runCall(.health, text: "health")])
    #expect(state.console.pendingCalls == 3)
    _ = update(
      &state,
      .callFinished(
        CallRecord(
          command: "get a", method: "/proto.KV/Get", code: .ok, result: "hello", started: Fixture.t0, ended: Fixture.t0)
      ))
    #expect(state.console.pendingCalls == 2)
    #expect(run("restart") == [.restart(rebuild: true)])
    #expect(run("export /tmp/frames.jsonl") == [.export(path: "/tmp/frames.jsonl")])
    #expect(run("export /tmp/traffic.PCAPNG") == [.exportCapture(path: "/tmp/traffic.PCAPNG")])
    #expect(state.console.output.last == .info("writing the relay's traffic to /tmp/traffic.PCAPNG (pcapng)…"))
    #expect(run("help").isEmpty)
    #expect(state.console.output.contains(.info("get KEY        read KEY through proto.KV/Get")))
    #expect(run("frobnicate").isEmpty)
    #expect(
      state.console.output.last.map {
        if case .error(let text) = $0 { text.hasPrefix("unknown command 'frobnicate'") } else { false }
      } == true)
    #expect(run("   ").isEmpty)
    #expect(run("clear").isEmpty)
    #expect(state.frames.isEmpty)
    #expect(state.console.output.isEmpty)
    #expect(state.console.lastCall == nil)
  }

  @Test func callResultsAreShownAndTheirFramesMarked() {
    let state = Fixture.running()
    let results = state.console.output.compactMap { line -> CallRecord? in
      if case .result(let record) = line { return record } else { return nil }
    }
    #expect(results.map(\.result) == ["stored 5 bytes", "hello"])
    let marked = state.frames.filter { state.isPartOfLastCall($0) }
    #expect(marked.count == 5)
    #expect(marked.allSatisfy { $0.method == "/proto.KV/Get" })
  }

  @Test func otherKeys() {
    var state = Fixture.running()
    #expect(Fixture.press(&state, [.character("r")]) == [.restart(rebuild: true)])
    #expect(Fixture.press(&state, [.character("R")]) == [.restart(rebuild: false)])
    #expect(Fixture.press(&state, [.control("l")]) == [.repaint])
    Fixture.press(&state, [.character("3")])
    #expect(state.sideTab == .logs)
    Fixture.press(&state, [.tab, .right])
    #expect(state.sideTab == .handshake)
    Fixture.press(&state, [.left, .left])
    #expect(state.sideTab == .health)
    Fixture.press(&state, [.character("?")])
    #expect(state.showHelp)
    Fixture.press(&state, [.character("j")])
    #expect(state.showHelp, "j scrolls the help")
    Fixture.press(&state, [.character("x")])
    #expect(!state.showHelp)
  }

  @Test func inspectorOpensOnTheSelectionAndWalksTheStream() {
    var state = Fixture.running(size: RenderTests.large)
    Fixture.press(&state, [.enter])
    #expect(state.inspector?.sequence == 15)
    #expect(state.inspector?.streamSequences == [11, 12, 13, 14, 15])
    Fixture.press(&state, [.character("p"), .character("p")])
    #expect(state.inspector?.sequence == 13)
    #expect(state.frameList.selectedRecord(in: state.frames)?.sequence == 13, "the list follows the inspector")
    Fixture.press(&state, [.character("n")])
    #expect(state.inspector?.sequence == 14)
    Fixture.press(&state, [.left])
    #expect(state.inspector?.sequence == 13)
    #expect(state.inspector?.streamSequences == [11, 12, 13, 14, 15])
    Fixture.press(&state, Array(repeating: .left, count: 4))
    #expect(state.inspector?.sequence == 9)
    #expect(state.inspector?.streamSequences == [6, 7, 8, 9, 10])
    Fixture.press(&state, [.character("j"), .character("G"), .character("g")])
    #expect(state.inspector?.scroll == 0)
    Fixture.press(&state, [.escape])
    #expect(state.inspector == nil)
  }

  @Test func inspectorStreamGrowsWithNewFrames() {
    var state = Fixture.running()
    Fixture.press(&state, [.enter])
    let more = Fixture.frame(9, .pluginToHost, stream: 3, "RST_STREAM", length: 4, "RST_STREAM CANCEL")
    Fixture.feed(&state, [Fixture.event(.frame(more), 9)])
    #expect(state.inspector?.streamSequences.count == 6)
  }

  @Test func mouseSelectsInspectsScrollsAndPicksTabs() {
    var state = Fixture.running()
    let layout = Layout(state: state)
    let firstRow = layout.frameListTop
    _ = update(&state, .mouse(MouseEvent(.press, x: 5, y: firstRow + 2)))
    #expect(state.frameList.selected == state.frameList.top + 2)
    #expect(!state.frameList.follow)
    _ = update(&state, .mouse(MouseEvent(.press, x: 5, y: firstRow + 2)))
    #expect(state.inspector != nil, "a press on the selected frame inspects it")
    _ = update(&state, .key(.escape))
    let before = state.frameList.selected
    _ = update(&state, .mouse(MouseEvent(.wheelUp, x: 5, y: firstRow)))
    #expect(state.frameList.selected == max(0, before - 3))

    let tabs = SideTabColumns.of(state)
    _ = update(&state, .mouse(MouseEvent(.press, x: layout.side.x + tabs[2], y: layout.side.y)))
    #expect(state.sideTab == .logs)
    #expect(state.focus == .side)
    _ = update(&state, .mouse(MouseEvent(.press, x: 3, y: layout.consoleInput.y)))
    #expect(state.focus == .console)
  }

  @Test func resizeKeepsTheSelectionVisible() {
    var state = Fixture.running(size: RenderTests.large)
    Fixture.press(&state, [.character("a")])  // every frame
    Fixture.press(&state, [.character("g")])
    Fixture.press(&state, Array(repeating: .character("j"), count: 14))
    _ = update(&state, .resize(Size(width: 80, height: 24)))
    let rows = state.visibleFrameRows
    #expect(state.frameList.selected == 14)
    #expect(state.frameList.top <= 14 && 14 < state.frameList.top + rows)
  }

  @Test func aFailedHandshakeShowsTheHandshakeTab() {
    var state = Fixture.empty()
    Fixture.press(&state, [.character("3")])
    #expect(state.sideTab == .logs)
    Fixture.feed(&state, [Fixture.event(.handshakeFailed(.timeout(seconds: 1)), 1)])
    #expect(state.sideTab == .handshake)
    #expect(state.phase == .handshakeFailed)
    #expect(state.diagnosis == .timeout(seconds: 1))
  }

  @Test func lifecycleEvents() {
    var state = Fixture.running()
    #expect(state.phase == .running)
    #expect(state.pid == 4242)
    Fixture.feed(&state, [Fixture.event(.exited(.exited(1), expected: false), 10)])
    #expect(state.phase.label.hasPrefix("EXITED"))
    #expect(state.pid == nil)
    #expect(state.sideTab == .logs, "an unexpected exit shows the logs (a panic is there)")
    Fixture.feed(
      &state,
      [
        Fixture.event(.buildStarted(command: "swift build"), 11),
        Fixture.event(.buildOutput("error: x", stream: .stderr), 11),
      ])
    #expect(state.phase == .building)
    Fixture.feed(&state, [Fixture.event(.buildFinished(status: .exited(1), seconds: 2), 13)])
    #expect(state.phase.label.hasPrefix("build FAILED"))
  }

  @Test func exportAndRestartResultsGoToTheConsole() {
    var state = Fixture.running()
    _ = update(&state, .exportFinished(path: "/tmp/x.jsonl", frames: 15, error: nil))
    #expect(state.console.output.last == .info("wrote 15 frames to /tmp/x.jsonl (JSON lines)"))
    _ = update(&state, .exportFinished(path: "/nope/x", frames: 0, error: "no such folder"))
    #expect(state.console.output.last == .error("export to /nope/x failed: no such folder"))
    _ = update(&state, .captureExportFinished(path: "/tmp/x.pcapng", summary: "wrote 9 packets", error: nil))
    #expect(state.console.output.last == .info("wrote 9 packets"))
    _ = update(&state, .captureExportFinished(path: "/nope/x.pcapng", summary: nil, error: "cannot create"))
    #expect(state.console.output.last == .error("export to /nope/x.pcapng failed: cannot create"))
    _ = update(&state, .restartFinished(false))
    #expect(state.console.output.last.map { if case .error = $0 { true } else { false } } == true)
    _ = update(&state, .hostOutput("warning: something"))
    #expect(state.logs.last?.source == .host("warning: something"))
  }
}

/// The tab columns of the side pane's top border, from its rendering.
enum SideTabColumns {
  static func of(_ state: AppState) -> [Int] {
    let layout = Layout(state: state)
    let canvas = render(state, size: state.size)
    let row = canvas.row(layout.side.y).map(\.character)
    var columns: [Int] = []
    for digit in ["1", "2", "3"] as [Character] {
      if let index = row.indices.first(where: { $0 >= layout.side.x && row[$0] == digit }) {
        columns.append(index - layout.side.x)
      }
    }
    return columns
  }
}
