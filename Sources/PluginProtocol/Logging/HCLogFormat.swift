import Foundation

/// Formats log entries as hclog JSON lines, the format a go-plugin host parses from plugin stderr.
///
/// Keys `@level` (trace|debug|info|warn|error), `@message`, `@module`, `@timestamp` with exactly
/// six fractional digits (reference §7.2), then the entry's own fields. Values are strings,
/// numbers or booleans.
public enum HCLogFormat {
  /// One JSON line (without the newline).
  public static func line(
    level: String, message: String, module: String?, date: Date = Date(), fields: [String: Any] = [:]
  ) -> String {
    var object: [String: Any] = fields
    object["@level"] = level
    object["@message"] = message
    object["@timestamp"] = timestamp(date)
    if let module { object["@module"] = module }
    let options: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
    guard let data = try? JSONSerialization.data(withJSONObject: object, options: options),
      let text = String(data: data, encoding: .utf8)
    else {
      return "{\"@level\":\"error\",\"@message\":\"unencodable log entry\"}"
    }
    return text
  }

  /// `2006-01-02T15:04:05.000000Z` in UTC, as go-hclog's `TimeFormatJSON` renders.
  public static func timestamp(_ date: Date) -> String {
    let seconds = date.timeIntervalSince1970
    var whole = time_t(seconds.rounded(.down))
    var micros = Int(((seconds - Double(whole)) * 1_000_000).rounded())
    if micros >= 1_000_000 {
      whole += 1
      micros -= 1_000_000
    }
    var parts = tm()
    gmtime_r(&whole, &parts)
    return String(
      format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), micros)
  }
}
