import Foundation

/// Text formats shared by the views: clock times, durations, latencies, frame flags.
enum Format {
  /// `17:53:00.123` in `zone` (or `53:00.123` when `short`).
  static func clock(_ date: Date, _ zone: TimeZone, milliseconds: Bool = true, short: Bool = false) -> String {
    let local = date.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: date))
    let totalMilliseconds = Int64((local * 1000).rounded(.down))
    let dayMilliseconds = ((totalMilliseconds % 86_400_000) + 86_400_000) % 86_400_000
    let hours = dayMilliseconds / 3_600_000
    let minutes = dayMilliseconds / 60_000 % 60
    let seconds = dayMilliseconds / 1000 % 60
    let millis = dayMilliseconds % 1000
    var text = short ? "" : pad(hours, 2) + ":"
    text += pad(minutes, 2) + ":" + pad(seconds, 2)
    if milliseconds { text += "." + pad(millis, 3) }
    return text
  }

  /// `0:42`, `12:03`, `1:02:03`.
  static func duration(_ seconds: Double) -> String {
    let total = max(0, Int(seconds))
    let hours = total / 3600
    let minutes = total / 60 % 60
    let secs = total % 60
    return hours > 0 ? "\(hours):\(pad(minutes, 2)):\(pad(secs, 2))" : "\(minutes):\(pad(secs, 2))"
  }

  /// `0.8 ms`, `12 ms`, `1.2 s`.
  static func latency(_ seconds: Double) -> String {
    let ms = seconds * 1000
    if ms < 10 { return String(format: "%.1f ms", ms) }
    if ms < 1000 { return String(format: "%.0f ms", ms) }
    return String(format: "%.1f s", seconds)
  }

  /// Frame flags in a few letters: `ES` END_STREAM, `EH` END_HEADERS, `ACK`, `PAD`, `PRI`.
  static func flags(_ flags: [String]) -> String {
    flags.map { flag in
      switch flag {
      case "END_STREAM": "ES"
      case "END_HEADERS": "EH"
      case "ACK": "ACK"
      case "PADDED": "PAD"
      case "PRIORITY": "PRI"
      default: flag
      }
    }.joined(separator: ",")
  }

  /// `n` right-aligned in `width` columns.
  static func right(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
  }

  /// `text` padded with spaces to `width` columns.
  static func left(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
  }

  private static func pad(_ value: Int64, _ digits: Int) -> String {
    let text = String(value)
    return text.count >= digits ? text : String(repeating: "0", count: digits - text.count) + text
  }

  private static func pad(_ value: Int, _ digits: Int) -> String {
    pad(Int64(value), digits)
  }

  /// The first method path in `text` with its package shortened to initials:
  /// `HEADERS /grpc.health.v1.Health/Check` → `HEADERS /g.h.v1.Health/Check`.
  static func abbreviatingPackage(_ text: String) -> String {
    guard let slash = text.firstIndex(of: "/") else { return text }
    let rest = text[text.index(after: slash)...]
    guard let end = rest.firstIndex(of: "/"), let dot = rest[..<end].lastIndex(of: ".") else { return text }
    let package = rest[..<dot].split(separator: ".").map { part in
      part.first.map { $0.isLetter && part.allSatisfy({ $0.isLetter }) ? String($0) : String(part) } ?? ""
    }
    return String(text[...slash]) + package.joined(separator: ".") + String(rest[dot...])
  }
}
