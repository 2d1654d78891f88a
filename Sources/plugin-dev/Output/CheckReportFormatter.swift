import Foundation
import PluginCheck
import PluginHost
import PluginProtocol

/// Renders check results as text lines or JSON lines (pure, so tests compare whole lines).
///
/// Text: `PASS  handshake.present               1|1|unix|/tmp/plugin…|grpc| in 23 ms`, with
/// ` → what to change` after warnings and failures, then
/// `checks: 17 passed, 1 warned, 1 failed, 0 skipped`.
/// JSON: one object per check, `{"event":"check","id":…,"status":…,"seen":…,"fix":…,"goPlugin":…}`,
/// then `{"event":"summary",…}`.
enum CheckReportFormatter {
  /// Width the id column is padded to (the longest id).
  static let idWidth = CheckID.allCases.map(\.rawValue.count).max() ?? 0

  /// One text line for a result.
  static func text(_ result: CheckResult) -> String {
    var line =
      result.status.label + "  " + result.id.rawValue.padding(toLength: idWidth, withPad: " ", startingAt: 0)
      + "  " + oneLine(result.seen)
    if let goPlugin = result.goPlugin, result.status == .fail || result.status == .warn {
      // go-plugin's first line says it (quoted as printed); the rest is its generic explanation.
      let lines = goPlugin.split(separator: "\n", omittingEmptySubsequences: true)
      let message = String(lines.first ?? "")
      let label = HandshakeError.goPluginLabel
      line += message.contains("\"") ? "; \(label): \(message)" : "; \(label): \"\(message)\""
      if lines.count > 1 { line += " (and \(lines.count - 1) more line\(lines.count == 2 ? "" : "s"))" }
    }
    if let fix = result.fix, result.status == .fail || result.status == .warn {
      line += " → " + oneLine(fix)
    }
    return line
  }

  /// The closing text line: the counts (`CheckReport.startFailure` is the caller's to print, on stderr).
  static func summaryText(_ report: CheckReport) -> String {
    var text =
      "checks: \(report.count(.pass)) passed, \(report.count(.warn)) warned, "
      + "\(report.count(.fail)) failed, \(report.count(.skip)) skipped"
    if let host = report.host {
      text += " (as \(host)'s host"
      if !report.notNeeded.isEmpty {
        text += "; not needed there: " + report.notNeeded.map(\.rawValue).joined(separator: ", ")
      }
      text += ")"
    }
    return text
  }

  /// One JSON object (one line) for a result.
  static func json(_ result: CheckResult) -> String {
    let object: [String: Any] = [
      "event": "check", "id": result.id.rawValue, "status": result.status.rawValue, "seen": result.seen,
      "fix": result.fix ?? NSNull(), "goPlugin": result.goPlugin ?? NSNull(),
    ]
    return encode(object)
  }

  /// The closing JSON object (one line): counts, failed ids, exit code, start failure.
  static func summaryJSON(_ report: CheckReport) -> String {
    let object: [String: Any] = [
      "event": "summary", "target": report.target, "passed": report.count(.pass), "warned": report.count(.warn),
      "failed": report.count(.fail), "skipped": report.count(.skip), "failedChecks": report.failedIDs.map(\.rawValue),
      "exitCode": Int(report.exitCode), "startFailure": report.startFailure ?? NSNull(),
      "seconds": (report.seconds * 1000).rounded() / 1000, "host": report.host ?? NSNull(),
      "notNeeded": report.notNeeded.map(\.rawValue),
    ]
    return encode(object)
  }

  private static func encode(_ object: [String: Any]) -> String {
    guard
      let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    else { return "{}" }
    return String(decoding: data, as: UTF8.self)
  }

  /// Newlines folded into ` / ` so every result stays on one line.
  static func oneLine(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }
      .joined(separator: " / ")
  }
}
