import Foundation
import PluginProtocol
import Testing
import WireTap

@testable import PluginHost
@testable import PluginSession
@testable import plugin_dev

@Suite("SessionEventFormatter")
struct SessionEventFormatterTests {
  let time = Date(timeIntervalSince1970: 1_800_000_000)

  @Test func handshakeText() {
    var formatter = SessionEventFormatter()
    let line = HandshakeLine(appVersion: 1, network: .tcp, address: "127.0.0.1:1234")
    let text = formatter.text(
      .handshake(line, raw: "1|1|tcp|127.0.0.1:1234|grpc\r", warnings: [.surroundingWhitespace], seconds: 0.012))
    #expect(
      text == """
        handshake 1|1|tcp|127.0.0.1:1234|grpc (12 ms): core 1, app 1, tcp 127.0.0.1:1234, grpc
                  warning: \(HandshakeWarning.surroundingWhitespace)
        """)
  }

  @Test func healthOnlyOnChangeUnlessAsked() {
    var formatter = SessionEventFormatter()
    let serving = HealthSample(time: time, outcome: .status("SERVING"), latency: 0.002)
    let down = HealthSample(time: time, outcome: .failed(code: .unavailable, message: "refused"), latency: 0.001)
    #expect(formatter.text(.health(serving)) == "health    SERVING (2.0 ms)")
    #expect(formatter.text(.health(serving)) == nil)
    #expect(formatter.text(.health(down)) == "health    unreachable (1.0 ms): refused")
    var every = SessionEventFormatter(showEveryHealthCheck: true)
    #expect(every.text(.health(serving)) != nil && every.text(.health(serving)) != nil)
  }

  @Test func failedHandshakeJSON() throws {
    var formatter = SessionEventFormatter()
    let line = formatter.json(
      .handshakeFailed(.invalid(.incompatibleAppVersion(9, offered: [1]), line: "1|9|tcp|a:1|grpc")), time: time)
    let json = try #require(line)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    #expect(object["event"] as? String == "handshake-failed")
    #expect(object["title"] as? String == "app protocol version mismatch")
    #expect(
      object["goPlugin"] as? String == "incompatible API version with plugin. Plugin version: 9, Client versions: [1]")
    #expect(object["time"] as? String == "2027-01-15T08:00:00.000Z")
    #expect(object["kind"] as? String == "invalid")
    #expect(object["line"] as? String == "1|9|tcp|a:1|grpc")
    #expect(object["error"] as? String == "app protocol version mismatch")
  }

  /// Named fields a jq user can read: the exit status and the last stderr lines, not `{"_0": 3}`.
  @Test func anEarlyExitReadsInJSON() throws {
    var formatter = SessionEventFormatter()
    let line = formatter.json(
      .handshakeFailed(.exitedBeforeHandshake(status: .exited(3), stderrTail: ["no config"])), time: time)
    let json = try #require(line)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    #expect(object["kind"] as? String == "exitedBeforeHandshake")
    #expect(object["status"] as? String == "exit code 3")
    #expect(object["stderrTail"] as? [String] == ["no config"])
    #expect(!json.contains("_0"))
  }

  @Test func framesCanBeHidden() {
    var formatter = SessionEventFormatter(showFrames: false)
    let record = FrameRecord(
      time: time, direction: .hostToPlugin, streamID: 3, type: "HEADERS", summary: "HEADERS /proto.KV/Put")
    #expect(formatter.text(.frame(record)) == nil)
    #expect(formatter.json(.frame(record)) == nil)
    var shown = SessionEventFormatter()
    #expect(shown.text(.frame(record)) == "frame     > s3   HEADERS /proto.KV/Put")
  }

  @Test func callJSON() throws {
    var formatter = SessionEventFormatter()
    let call = CallRecord(
      command: "get a", method: "/proto.KV/Get", code: .notFound, result: "no value for key 'a'", started: time,
      ended: time.addingTimeInterval(0.004))
    let line = formatter.json(.call(call), time: time)
    let json = try #require(line)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    #expect(object["ok"] as? Bool == false)
    #expect(object["code"] as? String == "notFound")
    #expect(abs((object["latencyMs"] as? Double ?? 0) - 4) < 0.01)
  }

  /// A Python traceback (here a KeyboardInterrupt on SIGINT) reads as one error with its lines
  /// folded under it, not one ERROR line each.
  @Test func aTracebackIsFoldedUnderItsFirstLine() {
    let traceback = [
      "Traceback (most recent call last):", "  File \"plugin.py\", line 90, in <module>", "    goplugin.serve(",
      "  File \"goplugin.py\", line 600, in serve", "    stop.wait()", "KeyboardInterrupt",
    ]
    var parser = LogLineParser()
    var formatter = SessionEventFormatter()
    let lines = traceback.compactMap { formatter.text(.log(parser.parse($0))) }
    #expect(lines.first == "log       ERROR Traceback (most recent call last):")
    #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("          │ ") }, "\(lines)")
    #expect(lines.last == "          │ KeyboardInterrupt")
  }

  /// A line break in what a plugin sent (an hclog message or field, a grpc-message, a reflection
  /// name, a log's notice) cannot start a line of its own: it shows as ⏎ (#26 item 5). The
  /// attack: a grpc-message of "boom\nexited    exit code 0 (forged by grpc-message)".
  @Test func lineBreaksFromThePluginCannotForgeALine() {
    var formatter = SessionEventFormatter()
    let forged = "exited    exit code 0 (forged by grpc-message)"
    let entry = LogParser.parse(
      #"{"@level":"info","@message":"ok\n\#(forged)","@timestamp":"2026-01-01T00:00:00Z","k":"v\r\n\#(forged)"}"#)
    var call = CallRecord(
      command: "call X {}", method: "/x.Y/X", code: .internalError, result: "boom\n\(forged)", started: time,
      ended: time)
    call.detail = ["x.Y  (reflection v1)\n\(forged)"]
    let events: [SessionEvent] = [.log(entry), .call(call), .notice("a\rb\n\(forged)"), .strayStdout("s\r\(forged)")]
    for event in events {
      let text = formatter.text(event) ?? ""
      for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        #expect(!line.hasPrefix("exited"), "forged line from \(event): \(text)")
      }
      #expect(text.contains("⏎\(forged)"), "\(text)")
      #expect(!text.contains("\r"))
    }
    // plugin-dev's own continuation lines stay lines.
    #expect(formatter.text(.call(call))?.split(separator: "\n").count == 2)
  }
}

/// hclog JSON lines parsed as plugin-dev reads a plugin's stderr.
private enum LogParser {
  static func parse(_ raw: String) -> LogEntry {
    var parser = LogLineParser()
    return parser.parse(raw)
  }
}
