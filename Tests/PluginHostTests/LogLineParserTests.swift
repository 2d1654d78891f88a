import Testing

@testable import PluginHost

@Suite("LogLineParser")
struct LogLineParserTests {
  @Test func hclogJSON() {
    var parser = LogLineParser()
    let entry = parser.parse(
      #"{"@level":"debug","@message":"plugin address","@timestamp":"2025-05-21T18:15:01.627659-04:00","address":"/tmp/plugin2908212597","network":"unix","n":3,"ok":true}"#
    )
    #expect(entry.level == .debug)
    #expect(entry.message == "plugin address")
    #expect(entry.format == .json)
    #expect(entry.timestamp == "2025-05-21T18:15:01.627659-04:00")
    #expect(
      entry.fields == [
        .init(key: "address", value: "/tmp/plugin2908212597"), .init(key: "n", value: "3"),
        .init(key: "network", value: "unix"), .init(key: "ok", value: "true"),
      ])
    #expect(entry.problems.isEmpty)
  }

  @Test(
    "lines a Go host mishandles are flagged",
    arguments: [
      (
        #"{"@level":"warning","@message":"x","@timestamp":"2025-05-21T18:15:01.627659Z"}"#,
        "is not trace|debug|info|warn|error"
      ),
      (#"{"@message":"x","@timestamp":"2025-05-21T18:15:01.627659Z"}"#, "no @level"),
      (#"{"@level":"info","@message":"x","@timestamp":"2025-05-21T18:15:01.627Z"}"#, "six fractional digits"),
      (#"{"@level":"info","@message":3,"@timestamp":"2025-05-21T18:15:01.627659Z"}"#, "crashes"),
    ])
  func problems(line: String, problem: String) {
    var parser = LogLineParser()
    let entry = parser.parse(line)
    #expect(entry.problems.contains { $0.contains(problem) }, "\(entry.problems)")
  }

  @Test(
    "plain lines take their level from a prefix",
    arguments: [
      ("[TRACE] a", LogEntry.Level.trace, "a"), ("[DEBUG] b", .debug, "b"), ("[INFO]  c", .info, "c"),
      ("[WARN] d", .warn, "d"), ("[ERROR] e", .error, "e"), ("no prefix", .debug, "no prefix"),
    ])
  func plain(line: String, level: LogEntry.Level, message: String) {
    var parser = LogLineParser()
    let entry = parser.parse(line)
    #expect(entry.level == level)
    #expect(entry.message == message)
    #expect(entry.format == .plain)
  }

  @Test func panicModeRaisesLaterPlainLines() {
    var parser = LogLineParser()
    #expect(parser.parse("[INFO] fine").level == .info)
    #expect(parser.parse("panic: runtime error: index out of range").level == .error)
    let next = parser.parse("goroutine 1 [running]:")
    #expect(next.level == .error)
    #expect(next.inPanic)
    #expect(
      parser.parse(#"{"@level":"info","@message":"json stays","@timestamp":"2025-05-21T18:15:01.627659Z"}"#).level
        == .info)
  }

  @Test func pythonTracebacksAreErrors() {
    var parser = LogLineParser()
    #expect(parser.parse("Traceback (most recent call last):").level == .error)
    #expect(parser.parse("ZeroDivisionError: division by zero").level == .error)
  }

  @Test func piecesOfLongLinesAreMarked() {
    var parser = LogLineParser()
    let entry = parser.parse("xxxx", isPartOfLongLine: true)
    #expect(entry.isPartOfLongLine)
    #expect(entry.problems.first?.contains("64 KiB") == true)
  }
}
