import Foundation
import PluginHost

/// `stderr.hclog`, `stderr.line-length` and `stdout.after-handshake` from the lines the plugin wrote
/// (docs/protocol.md §1.4, §7), pure.
public enum StderrChecks {
  /// The longest line a go-plugin host reads at once (`bufio.Scanner` / `PluginLogBufferSize`).
  public static let goLineLimit = 64 * 1024

  /// `stderr.hclog` and `stderr.line-length` for the stderr lines (pieces of long lines included, in order).
  public static func evaluate(_ lines: [LineSplitter.Line]) -> [CheckResult] {
    var tally = Tally()
    for line in lines { tally.add(line) }
    return tally.results()
  }

  /// What the stderr checks need to know, gathered line by line, so a plugin's stderr is judged
  /// whole without being kept (a flood of lines costs no memory).
  public struct Tally: Sendable {
    private var parser = LogLineParser()
    private var complete = 0
    private var json = 0
    private var plain = 0
    private var problems: [(line: Int, text: String)] = []
    private var problemCount = 0
    /// The first problem that crashes a go-plugin host's stderr reader (log_entry.go asserts the
    /// types of @level, @message and @timestamp unchecked: the panic ends the host).
    private var crash: (line: Int, text: String)?
    private var longLines: [(line: Int, bytes: Int)] = []
    private var longLineCount = 0
    private var longest = 0
    private var pieceBytes = 0
    private static let kept = 1

    /// An empty tally.
    public init() {}

    /// Counts one line (or piece of a long line).
    public mutating func add(_ line: LineSplitter.Line) {
      if line.continues || line.isContinuation {
        if !line.isContinuation { complete += 1 }
        pieceBytes += line.byteCount
        if !line.continues { endLongLine() }
        return
      }
      complete += 1
      longest = max(longest, line.byteCount)
      let entry = parser.parse(line.text)
      if entry.format == .json { json += 1 } else { plain += 1 }
      for problem in entry.problems {
        problemCount += 1
        if crash == nil, problem.contains("crashes") { crash = (complete, problem) }
        if problems.count < Self.kept { problems.append((complete, problem)) }
      }
    }

    private mutating func endLongLine() {
      longLineCount += 1
      if longLines.count < Self.kept { longLines.append((complete, pieceBytes)) }
      longest = max(longest, pieceBytes)
      pieceBytes = 0
    }

    /// The two results.
    public func results() -> [CheckResult] {
      var tally = self
      if tally.pieceBytes > 0 { tally.endLongLine() }  // a long last line cut off at end of stream
      return tally.report()
    }
  }

  /// `stdout.after-handshake`: lines printed on stdout after the handshake (a Go host drops them).
  public static func afterHandshake(_ lines: [LineSplitter.Line]) -> CheckResult {
    guard let first = lines.first else { return .pass(.stdoutAfterHandshake, "nothing on stdout after the handshake") }
    let long = lines.contains { $0.continues || $0.isContinuation }
    let shown = first.text.isEmpty ? "an empty line" : "`\(first.text.prefix(120))`"
    let logical = lines.filter { !$0.isContinuation }.count
    var seen = "\(count(logical, "line")) on stdout after the handshake, the first: \(shown)"
    if long { seen += "; one is over 64 KiB, which stops a go-plugin host's stdout reader (later writes then block)" }
    return .warn(
      .stdoutAfterHandshake, seen,
      fix: "Write logs and prints to stderr; a go-plugin host reads stdout after the handshake only to throw it away.")
  }

  fileprivate static func count(_ n: Int, _ noun: String) -> String {
    "\(n) \(noun)\(n == 1 ? "" : "s")"
  }
}

extension StderrChecks.Tally {
  fileprivate func report() -> [CheckResult] {
    let hclog: CheckResult
    if let first = crash ?? problems.first {
      let more = problemCount > 1 ? " (\(problemCount - 1) more problem\(problemCount == 2 ? "" : "s"))" : ""
      hclog = CheckResult(
        .stderrHCLog, crash == nil ? .warn : .fail,
        seen: "stderr line \(first.line): \(first.text)\(more)"
          + (crash == nil ? "; a go-plugin host logs such a line verbatim at debug, which hosts hide by default" : ""),
        fix: "Write hclog JSON lines: \"@level\" one of trace, debug, info, warn, error; \"@timestamp\" like "
          + "2006-01-02T15:04:05.000000Z07:00 (six fractional digits); \"@message\", \"@level\" and \"@timestamp\" as strings."
      )
    } else if complete == 0 {
      hclog = .pass(.stderrHCLog, "no stderr output")
    } else if json == 0 {
      hclog = .pass(
        .stderrHCLog,
        "\(StderrChecks.count(complete, "line")), all plain text (a go-plugin host logs them at debug, or at the level of a [LEVEL] prefix)"
      )
    } else {
      hclog = .pass(
        .stderrHCLog,
        "\(StderrChecks.count(complete, "line")): \(json) hclog JSON, all valid"
          + (plain > 0 ? "; \(plain) plain text" : ""))
    }

    let length: CheckResult
    if let first = longLines.first {
      let more = longLineCount > 1 ? " (and \(longLineCount - 1) more)" : ""
      length = .warn(
        .stderrLineLength,
        "stderr line \(first.line) is \(first.bytes) bytes\(more); a go-plugin host reads 64 KiB at a time and logs the pieces at debug, unparsed (hidden by default)",
        fix: "Keep log lines under 64 KiB: truncate or summarise big values, or log them over several lines.")
    } else {
      length = .pass(
        .stderrLineLength,
        complete == 0 ? "no stderr output" : "longest line \(longest) bytes (limit \(StderrChecks.goLineLimit))")
    }
    return [hclog, length]
  }
}
