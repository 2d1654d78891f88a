import Foundation
import PluginHost
import TestSupport
import Testing

/// `run --pcap` and the console's `export FILE.pcapng` in the TUI (tmux), read back by tshark.
@Suite(
  "capture in the TUI (tmux, tshark)", .enabled(if: Tmux.isAvailable && Tshark.shouldTest), .timeLimit(.minutes(3)))
struct TUICaptureTests {
  /// The `--pcap` file spans a restart (one flow per relay connection, one port to decode) and
  /// still matches the frame log; the console's export holds the traffic up to the `get`.
  @Test func pcapAcrossARestartAndConsoleExport() async throws {
    let folder = try Fixtures.temporaryDirectory()
    let pcap = folder.appendingPathComponent("session.pcapng").path
    let export = folder.appendingPathComponent("frames.jsonl").path
    let snapshot = folder.appendingPathComponent("console.pcapng").path
    try await Tmux.session(
      width: 160, height: 40,
      arguments: [
        "run", "--pcap", pcap, "--export", export, "--exec", "put a hello", "--exec", "get a", "--exec",
        "export \(snapshot)",
      ]
    ) { tmux in
      try await tmux.waitFor("the console's export") {
        $0.contains("✓ ok  hello") && $0.contains("packets (1 connection")
      }
      try await tmux.keys("r")
      try await tmux.waitFor("the plugin serving again") { screen in
        screen.contains("── restart (pid ") && screen.contains("restarted: the plugin is ready")
      }
      try await tmux.keys("q")
      let after = try await tmux.waitFor("the shell back") { $0.contains("TUI-EXITED 0") }
      // The line after the TUI, as the terminal wrapped it.
      let unwrapped = after.replacingOccurrences(of: "\n", with: "")
      #expect(unwrapped.contains("read it with: tshark -r \(pcap) -d tcp.port==50051,http2"), "\(after)")
    }
    let paths = try await CaptureEndToEndTests.expectTsharkAgrees(capture: pcap, export: export, port: 50051)
    #expect(paths.filter { $0 == "/plugin.GRPCController/Shutdown" }.count == 2, "one stop per start: \(paths)")
    let comments = try await Tshark.values(of: "frame.comment", in: pcap, http2Port: 50051)
    #expect(comments.contains { $0.hasPrefix("relay connection 1 (relay 2): 127.0.0.1:") }, "\(comments)")
    let early = try await Tshark.values(of: "http2.headers.path", in: snapshot, http2Port: 50051)
    #expect(early.contains("/proto.KV/Put") && early.contains("/proto.KV/Get"), "\(early)")
    #expect(Array(paths.prefix(early.count)) == early, "the export is the start of the session's traffic")
  }
}
