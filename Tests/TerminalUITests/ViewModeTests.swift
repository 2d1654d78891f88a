import Foundation
import PluginHost
import PluginSession
import TerminalUI
import Testing
import WireTap

/// `plugin-dev view`: the TUI on a log is read-only, says what it shows, and the console's
/// `export` writes a log that reads back as the same screen.
@Suite("view mode")
struct ViewModeTests {
  static let header = RecordingHeader(
    writer: "wrap", pid: 99, hostPid: 98, hostCommand: "terraform apply", command: ["./kv-plugin"], autoMTLS: false,
    time: Fixture.t0)

  static func viewing() -> AppState {
    var state = Fixture.running(size: Size(width: 120, height: 40))
    state.viewing = ViewInfo(path: "/tmp/kv.jsonl", header: header)
    return state
  }

  static func console(_ state: inout AppState, _ line: String) -> [Effect] {
    if state.focus != .console { Fixture.press(&state, [.character(":")]) }
    Fixture.type(&state, line)
    return Fixture.press(&state, [.enter])
  }

  @Test func callsAndRestartsAreRefusedAndSaidSo() {
    var state = Self.viewing()
    let message = "read-only: this is a log (/tmp/kv.jsonl); run the plugin with `plugin-dev run` to call it"
    #expect(Fixture.press(&state, [.character("r")]).isEmpty)
    #expect(state.console.output.last == .error(message))
    #expect(Fixture.press(&state, [.character("R")]).isEmpty)
    for command in ["get a", "put a b", "health", "restart", "export /tmp/x.pcapng"] {
      #expect(Self.console(&state, command).isEmpty, "\(command)")
      #expect(state.console.output.last == .error(message), "\(command)")
    }
    #expect(state.console.pendingCalls == 0)
    // What only reads still works.
    #expect(Self.console(&state, "export /tmp/copy.jsonl") == [.export(path: "/tmp/copy.jsonl")])
    #expect(Self.console(&state, "help").isEmpty)
    // Running a plugin, r restarts.
    var running = Fixture.running()
    #expect(Fixture.press(&running, [.character("r")]) == [.restart(rebuild: true)])
  }

  @Test func theScreenSaysWhichLogHostAndPluginItShows() {
    var state = Self.viewing()
    Fixture.feed(&state, [.viewProgress(.live)])
    let screen = render(state, size: state.size).lines.joined(separator: "\n")
    #expect(screen.contains("view (read-only) · live (following)"), "\(screen)")
    #expect(screen.contains("file    /tmp/kv.jsonl"), "\(screen)")
    #expect(screen.contains("host    pid 98: terraform apply"), "\(screen)")
    #expect(screen.contains("plugin  ./kv-plugin"), "\(screen)")
    #expect(!screen.contains("r restart"), "\(screen)")
    #expect(!screen.contains("get KEY"), "a log takes no calls, so the console offers none: \(screen)")
    Fixture.feed(&state, [.viewProgress(.ended(complete: false))])
    #expect(render(state, size: state.size).lines.joined().contains("ended early"))
  }

  @Test func theConsoleExportReadsBackAsTheSameScreen() throws {
    var state = Fixture.running(size: Size(width: 120, height: 40))
    Fixture.feed(
      &state,
      [
        Fixture.event(.log(Fixture.log(.warn, "slow disk")), 3), Fixture.event(.strayStdout("oops"), 3.5),
        Fixture.event(.notice("restarting"), 4),
      ])
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("plugin-dev-view-\(UUID()).jsonl").path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let recorder = try SessionRecorder(path: path, header: Self.header)
    for (event, time) in state.recordingSnapshot() { recorder.record(event, at: time) }
    recorder.close()

    var reader = RecordingReader(path: path)
    let events = try reader.feed(try Data(contentsOf: URL(fileURLWithPath: path)))
    var copy = Fixture.empty(size: state.size)
    copy.viewing = ViewInfo(path: path, header: Self.header)
    Fixture.feed(&copy, events.map { Action.session($0.0, at: $0.1) })
    #expect(copy.frames.map(\.summary) == state.frames.map(\.summary))
    #expect(copy.frames.map(\.sequence) == state.frames.map(\.sequence))
    #expect(copy.handshake == state.handshake)
    #expect(copy.health.map(\.label) == state.health.map(\.label))
    #expect(copy.environment == state.environment)
    #expect(copy.pid == state.pid)
    let logs = { (s: AppState) in
      s.logs.compactMap { line -> String? in
        switch line.source {
        case .log(let entry): return entry.message
        case .strayStdout(let text): return text
        default: return nil
        }
      }
    }
    #expect(logs(copy) == logs(state))
    #expect(logs(copy).suffix(2) == ["slow disk", "oops"])
  }
}
