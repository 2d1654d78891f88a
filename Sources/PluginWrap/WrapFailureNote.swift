import Foundation
import PluginHost
import PluginProtocol

/// The one stderr line `wrap` writes when the plugin fails before its handshake, so the host's
/// own log shows the cause and not only go-plugin's `Unrecognized remote plugin message:`.
///
/// It is hclog JSON at `error`: go-plugin's client (`logStderr` in client.go, 1.0.1 and HEAD)
/// logs a plugin's JSON stderr line at its `@level`, so a host shows it at its default level
/// (`info`) and at `warn` and `error`; plain lines it logs at `debug`, which hosts hide (a plain
/// line starting `[ERROR]` is shown at error level too, but only by go-plugin 1.0.1's Debian
/// build and later). The line holds the diagnosis `run` and `check` give, with the plugin's last
/// stderr line.
enum WrapFailureNote {
  /// The hclog line (without its newline).
  static func line(_ diagnosis: HandshakeDiagnosis, stderrTail: [String], date: Date = Date()) -> String {
    var fields: [String: Any] = [:]
    if let last = lastLine(of: stderrTail) { fields["plugin_stderr"] = last }
    return HCLogFormat.line(
      level: "error", message: "plugin-dev wrap: \(diagnosis.title): \(diagnosis.hint)", module: "plugin-dev.wrap",
      date: date, fields: fields)
  }

  /// The plugin's last non-empty stderr line, its message when it is hclog JSON, at most 300
  /// characters.
  static func lastLine(of tail: [String]) -> String? {
    guard let last = tail.last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else { return nil }
    var parser = LogLineParser()
    let entry = parser.parse(last, isPartOfLongLine: false)
    let text = entry.format == .json ? entry.message : last.trimmingCharacters(in: .whitespaces)
    return text.count > 300 ? String(text.prefix(300)) + "…" : text
  }
}
