import Foundation
import PluginCheck
import PluginHost
import PluginProtocol
import PluginSession
import Testing
import WireTap

@testable import TerminalUI

/// Issue #16: what a new user tripped on — the calls view, reading long lines, Esc and q,
/// restart separators, `--exec` in the TUI, a plugin without a health service.
@Suite("usability (#16)")
struct UsabilityTests {
  /// Connection upkeep and health checks, as they flood a real session.
  static func noise(_ start: Double) -> [FrameRecord] {
    [
      Fixture.frame(start, .hostToPlugin, stream: 0, "PING", length: 8, "PING 00000000"),
      Fixture.frame(start + 0.001, .pluginToHost, stream: 0, "PING", flags: ["ACK"], length: 8, "PING ack"),
      Fixture.frame(start + 0.002, .pluginToHost, stream: 0, "WINDOW_UPDATE", length: 4, "WINDOW_UPDATE +32768"),
      Fixture.frame(
        start + 0.003, .hostToPlugin, stream: 5, "HEADERS", flags: ["END_HEADERS"], length: 15,
        "HEADERS /grpc.health.v1.Health/Check", method: "/grpc.health.v1.Health/Check"),
      Fixture.frame(
        start + 0.004, .pluginToHost, stream: 5, "DATA", length: 7, "DATA HealthCheckResponse {status: SERVING}",
        method: "/grpc.health.v1.Health/Check"),
    ]
  }

  static func withNoise(size: Size = Size(width: 80, height: 24)) -> AppState {
    var state = Fixture.running(size: size)
    Fixture.feed(&state, noise(5).map { Fixture.event(.frame($0), 5) })
    return state
  }

  // MARK: 1. calls view

  @Test func theDefaultViewHidesUpkeepAndHealthChecksAndAToggles() {
    var state = Self.withNoise()
    let listed = (0..<state.frameList.count(in: state.frames)).compactMap {
      state.frameList.record(atRow: $0, in: state.frames)
    }
    #expect(
      listed.map(\.type) == ["PREFACE"]
        + Array(repeating: ["HEADERS", "DATA", "HEADERS", "DATA", "HEADERS"], count: 2).flatMap { $0 })
    #expect(state.frameList.hiddenCount(in: state.frames) == 9, "4 SETTINGS, 2 PING, 1 WINDOW_UPDATE, 2 health")
    var lines = render(state, size: state.size).lines
    #expect(lines[1].hasPrefix("┌ Frames 11 · calls · 9 hidden · follow "), "\(lines[1])")
    #expect(lines[lines.count - 1].contains("a all frames"))

    Fixture.press(&state, [.character("a")])
    #expect(state.frameList.showAll)
    #expect(state.frameList.count(in: state.frames) == 20)
    lines = render(state, size: state.size).lines
    #expect(lines[1].hasPrefix("┌ Frames 20 · all · follow "), "\(lines[1])")
    #expect(lines.contains { $0.contains("PING ack") })

    Fixture.press(&state, [.character("a")])
    #expect(state.frameList.count(in: state.frames) == 11)
  }

  @Test func aTypedFilterCombinesWithTheView() {
    var state = Self.withNoise()
    Fixture.press(&state, [.character("/")])
    Fixture.type(&state, "dir:out")
    Fixture.press(&state, [.enter])
    #expect(state.frameList.count(in: state.frames) == 6)
    #expect(render(state, size: state.size).lines[1].hasPrefix("┌ Frames 6 of 20 · calls"))
    Fixture.press(&state, [.character("a")])
    #expect(state.frameList.count(in: state.frames) == 11, "+2 SETTINGS, PING ack, WINDOW_UPDATE, health DATA")
    #expect(state.frameList.query == "dir:out")
  }

  @Test func newFramesFollowTheViewAndKeepTheirSequence() {
    var state = Self.withNoise()
    #expect(
      state.frameList.selectedRecord(in: state.frames)?.sequence == 15, "the last call frame, not the health check")
    Fixture.feed(&state, Self.noise(6).map { Fixture.event(.frame($0), 6) })
    #expect(state.frameList.count(in: state.frames) == 11)
    #expect(state.frames.map(\.sequence) == Array(1...25))
  }

  // MARK: 2. reading long lines

  @Test func enterOnALogLineOpensItInFullAndEscOrQClosesIt() {
    var state = Fixture.running()
    let long = "could not open the database at /var/lib/kv/data.db: permission denied; retrying in 5 s with backoff"
    Fixture.feed(
      &state, [Fixture.event(.log(Fixture.log(.error, long, fields: [LogEntry.Field(key: "attempt", value: "3")])), 5)])
    Fixture.press(&state, [.character("3"), .tab])
    #expect(state.focus == .side)
    var lines = render(state, size: state.size).lines
    #expect(!lines.contains { $0.contains("retrying in 5 s") }, "cut in the Logs tab")

    Fixture.press(&state, [.enter])
    #expect(
      state.logViewer?.line.source
        == .log(Fixture.log(.error, long, fields: [LogEntry.Field(key: "attempt", value: "3")])))
    lines = render(state, size: state.size).lines
    let text = lines.joined(separator: " ").replacingOccurrences(of: "│", with: " ")
    #expect(lines[1].hasPrefix("┌ Log line — j/k scroll, Esc or q closes"))
    #expect(text.contains("retrying in 5 s with backoff"), "\(lines.joined(separator: "\n"))")
    #expect(text.contains("attempt = 3"))
    #expect(Fixture.press(&state, [.character("q")]).isEmpty, "q closes the line, it does not quit")
    #expect(state.logViewer == nil)

    Fixture.press(&state, [.character("k"), .enter])
    #expect(
      state.logViewer?.line.source
        == .log(Fixture.log(.error, "put failed", fields: [LogEntry.Field(key: "key", value: "b")])))
    Fixture.press(&state, [.escape])
    #expect(state.logViewer == nil)
    #expect(state.focus == .side)
  }

  @Test func theSelectedLogLineMovesWithJKAndStaysPutWhenLinesArrive() {
    var state = Fixture.running()
    Fixture.press(&state, [.character("3"), .tab, .character("k"), .character("k")])
    #expect(state.logSelected == 2)
    let selected = state.logs[state.logs.count - 1 - state.logSelected]
    Fixture.feed(&state, [Fixture.event(.log(Fixture.log(.info, "new line")), 6)])
    #expect(state.logs[state.logs.count - 1 - state.logSelected] == selected)
    Fixture.press(&state, [.character("G")])
    #expect(state.logSelected == 0)
  }

  @Test func zKeysZoomTheFocusedPaneAndBack() {
    var state = Fixture.running()
    Fixture.press(&state, [.character("z")])
    #expect(state.zoomed)
    var lines = render(state, size: state.size).lines
    #expect(lines[1].hasPrefix("┌ Frames 11 · calls · 4 hidden · follow · zoom "), "\(lines[1])")
    #expect(lines[1].count == 80 && lines[1].hasSuffix("┐"))
    #expect(!lines.contains { $0.contains("─ Console") })
    #expect(lines[2].contains("flags"), "the full width has room for the flags column")
    Fixture.press(&state, [.tab])
    lines = render(state, size: state.size).lines
    #expect(lines[1].hasPrefix("┌ 1 Handshake 2 Health 3 Logs · zoom"), "the zoom follows the focus: \(lines[1])")
    Fixture.press(&state, [.character("z")])
    lines = render(state, size: state.size).lines
    #expect(lines.contains { $0.hasPrefix("─ Console") })
  }

  @Test func theFrameListWidensWithTheWindow() {
    let narrow = Layout(size: Size(width: 132, height: 43))
    let wide = Layout(size: Size(width: 220, height: 50))
    #expect(narrow.frames.width == 76)
    #expect(wide.frames.width == 220 - Layout.sideMaxWidth)
    let state = Fixture.running(size: Size(width: 220, height: 50))
    let lines = render(state, size: state.size).lines
    #expect(lines.contains { $0.contains("DATA PutRequest {key: \"a\", value: 5 bytes \"hello\"}  ") })
  }

  // MARK: 3. Esc, q, documented keys

  @Test func escInTheSidePaneLeavesItAndKeepsTheFilter() {
    var state = Fixture.running()
    Fixture.press(&state, [.character("/")])
    Fixture.type(&state, "method:Put")
    Fixture.press(&state, [.enter, .tab])
    #expect(state.focus == .side)
    Fixture.press(&state, [.escape])
    #expect(state.focus == .frames)
    #expect(state.frameList.query == "method:Put")
    Fixture.press(&state, [.escape])
    #expect(state.frameList.query == "method:Put", "Esc on the frames does not clear it either")
    #expect(render(state, size: state.size).lines[17].contains("/method:Put  x clears"))
    Fixture.press(&state, [.character("x")])
    #expect(state.frameList.query.isEmpty)
  }

  @Test func qInTheHelpClosesItAndQElsewhereQuits() {
    var state = Fixture.running()
    Fixture.press(&state, [.character("?")])
    #expect(Fixture.press(&state, [.character("q")]).isEmpty)
    #expect(!state.showHelp)
    #expect(!state.quitting)
    #expect(Fixture.press(&state, [.character("q")]) == [.quit])
  }

  @Test func everyKeyIsDocumented() {
    let keys = KeyTable.entries.map { $0.keys + " " + $0.action }.joined(separator: " ")
    let help = HelpView.lines(width: 92).map(\.text).joined(separator: " ").split(separator: " ").joined(separator: " ")
    for key in ["h l", "PgUp", "Ctrl-U", "a", "x", "z", "Esc", "Enter"] {
      #expect(keys.contains(key), "\(key) is in the key table")
    }
    #expect(help.contains("open the selected line in full"))
    #expect(help.contains("calls only"))
    #expect(help.contains("q, Esc or any other key closes"))
  }

  // MARK: 4. restart separator

  @Test func aRestartIsMarkedInTheFrameList() throws {
    var state = Fixture.running()
    let info = try #require(Fixture.startInfo(pid: 5252, generation: 2))
    Fixture.feed(&state, [Fixture.event(.exited(.exited(0), expected: true), 10), Fixture.event(.started(info), 10.5)])
    #expect(state.restartMarks == [RestartMark(afterSequence: 15, pid: 5252, generation: 2)])
    var lines = render(state, size: state.size).lines
    #expect(lines[13].hasPrefix("│*53:03.002 <   3     1 HEADERS (trailers) g"), "\(lines.joined(separator: "\n"))")
    #expect(lines[14].hasPrefix("│── restart (pid 5252) ─────"), "a restart with no frames yet: \(lines[14])")

    let put = Fixture.call(
      11, stream: 1, method: "/proto.KV/Put",
      request: Fixture.message("PutRequest", request: true, "PutRequest {key: \"b\"}", fields: [], bytes: 3),
      requestBytes: [],
      response: Fixture.message("Empty", request: false, "Empty {}", fields: [], bytes: 0), responseBytes: [])
    Fixture.feed(&state, put.map { Fixture.event(.frame($0), 11) })
    #expect(state.frames.map(\.sequence) == Array(1...20), "numbering goes on")
    lines = render(state, size: state.size).lines
    #expect(lines[11].hasPrefix("│── restart (pid 5252) ─"), "\(lines.joined(separator: "\n"))")
    #expect(lines[12].contains("HEADERS /proto.KV/Put"))
    #expect(lines[16].contains("HEADERS (trailers)"), "the newest frame stays visible")
    #expect(state.frameList.selectedRecord(in: state.frames)?.sequence == 20)

    Fixture.press(&state, [.character("k")])
    #expect(state.frameList.selectedRecord(in: state.frames)?.sequence == 19, "j/k skip the separator")
    let layout = Layout(state: state)
    let shown = FramesView.window(state, rows: layout.frameRows)
    let separator = try #require(shown.firstIndex { if case .restart = $0 { true } else { false } })
    _ = update(&state, .mouse(MouseEvent(.press, x: 5, y: layout.frameListTop + separator + 1)))
    #expect(
      state.frameList.selectedRecord(in: state.frames)?.sequence == 16,
      "a click below the separator picks the frame drawn there")
  }

  @Test func theFirstStartIsNotARestart() throws {
    var state = Fixture.running()
    let info = try #require(Fixture.startInfo(pid: 4243, generation: 1))
    Fixture.feed(&state, [Fixture.event(.started(info), 10)])
    #expect(state.restartMarks.isEmpty)
  }

  // MARK: 5. --exec in the TUI

  @Test func execCommandsRunInOrderOnceReadyShownInTheConsole() {
    var state = Fixture.empty()
    state.queueExecs(["put a hello", "  ", "help", "get a"])
    #expect(update(&state, .startFinished(false)).isEmpty)
    #expect(state.console.output.last == .error("--exec: 3 commands wait until the plugin is ready (r restarts it)"))
    var effects = update(&state, .restartFinished(true))
    guard case .runCall(_, let first) = effects.first else {
      Issue.record("no call: \(effects)")
      return
    }
    #expect(first == "put a hello")
    #expect(state.console.output.contains(.command("put a hello")))
    #expect(update(&state, .tick(Fixture.at(1))).isEmpty)
    let record = CallRecord(
      command: "put a hello", method: "/proto.KV/Put", code: .ok, result: "stored 5 bytes", started: Fixture.at(1),
      ended: Fixture.at(1))
    #expect(update(&state, .callFinished(record)).isEmpty, "the next waits for the result line")
    effects = update(&state, Fixture.event(.call(record), 1))
    guard case .runCall(_, let second) = effects.first else {
      Issue.record("no second call: \(effects)")
      return
    }
    #expect(second == "get a")
    #expect(state.console.output.contains(.command("help")), "help ran between them")
    #expect(state.pendingExecs.isEmpty)
    let get = CallRecord(
      command: "get a", method: "/proto.KV/Get", code: .ok, result: "hello", started: Fixture.at(2),
      ended: Fixture.at(2))
    #expect(update(&state, Fixture.event(.call(get), 2)).isEmpty, "a result before its callFinished")
    #expect(update(&state, .callFinished(get)).isEmpty)
    #expect(!state.execInFlight)
    let order = state.console.output.compactMap { line -> String? in
      switch line {
      case .command(let text): return "› " + text
      case .result(let call): return "= " + call.command
      default: return nil
      }
    }
    #expect(order == ["› put a hello", "= put a hello", "› help", "› get a", "= get a"])
  }

  // MARK: 6. no health service

  @Test func aPluginWithoutHealthServiceIsAWarningWithTheFix() {
    var state = Fixture.empty(size: RenderTests.large)
    let line = HandshakeLine(appVersion: 1, network: .unix, address: Fixture.socket, serverCertificate: "")
    Fixture.feed(
      &state,
      [Fixture.event(.handshake(line, raw: "1|1|unix|\(Fixture.socket)|grpc|", warnings: [], seconds: 0.02), 0.1)])
    for second in 1...3 {
      let sample = HealthSample(
        time: Fixture.at(Double(second)), outcome: .failed(code: .unimplemented, message: "Method not found"),
        latency: 0.001)
      Fixture.feed(&state, [Fixture.event(.health(sample), Double(second))])
    }
    let notServing = HealthSample(time: Fixture.at(4), outcome: .status("NOT_SERVING"), latency: 0.001)
    Fixture.feed(&state, [Fixture.event(.health(notServing), 4)])
    let missing = HealthSample(
      time: Fixture.at(5), outcome: .failed(code: .unimplemented, message: "Method not found"), latency: 0.001)
    Fixture.feed(&state, [Fixture.event(.health(missing), 5)])
    Fixture.press(&state, [.character("2")])
    let lines = render(state, size: state.size).lines
    let text = lines.joined(separator: "\n")
    #expect(lines[0].contains("○ no health service"), "\(lines[0])")
    #expect(!text.contains("✗"))
    #expect(!text.contains("unimplemented"))
    let flat = lines.map { $0.replacingOccurrences(of: "│", with: " ") }.joined(separator: " ").split(separator: " ")
      .joined(separator: " ")
    #expect(flat.contains("1 not serving · 4 no health service"), "\(flat)")
    #expect(flat.contains("fix: " + ServiceChecks.missingHealthServiceFix), "\(flat)")
    #expect(Theme.healthBadge(missing.displayLabel).style.bg == .yellow)
    #expect(ServiceChecks.health(missing.outcome, milliseconds: 1).fix == ServiceChecks.missingHealthServiceFix)
  }
}
