import Foundation

/// Decodes plugin stderr lines the way a go-plugin host does (docs/protocol.md §7), and flags what
/// would go wrong in a Go host.
///
/// JSON objects are hclog entries (`@level`, `@message`, `@timestamp`, `@module`, fields);
/// a bad `@level` or `@timestamp` makes a Go host log the raw line at debug, a non-string one
/// crashes its stderr reader. Plain lines take their level from a `[LEVEL]` prefix. After a
/// `panic: ` / `fatal error: ` (or a Python traceback) line, following plain lines are errors.
public struct LogLineParser: Sendable {
  private var panicMode = false

  /// Creates a parser (state: panic mode).
  public init() {}

  /// Decodes one line (or a piece of an over-long line).
  public mutating func parse(_ raw: String, isPartOfLongLine: Bool = false) -> LogEntry {
    if isPartOfLongLine {
      return LogEntry(
        level: .debug, message: raw, format: .plain, raw: raw, inPanic: panicMode,
        problems: ["longer than 64 KiB: a go-plugin host splits it and logs the pieces at debug without parsing"],
        isPartOfLongLine: true)
    }
    if raw.first == "{", let entry = Self.json(raw) { return entry }
    return plain(raw)
  }

  private mutating func plain(_ raw: String) -> LogEntry {
    let prefixes: [(String, LogEntry.Level)] = [
      ("[TRACE]", .trace), ("[DEBUG]", .debug), ("[INFO]", .info), ("[WARN]", .warn), ("[ERROR]", .error),
    ]
    if LogEntry.panicStarts.contains(where: { raw.hasPrefix($0) }) { panicMode = true }
    for (prefix, level) in prefixes where raw.hasPrefix(prefix) {
      let message = raw.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)
      return LogEntry(level: panicMode ? .error : level, message: message, format: .plain, raw: raw, inPanic: panicMode)
    }
    return LogEntry(level: panicMode ? .error : .debug, message: raw, format: .plain, raw: raw, inPanic: panicMode)
  }

  private static func json(_ raw: String) -> LogEntry? {
    guard
      let object = (try? JSONSerialization.jsonObject(with: Data(raw.utf8), options: [.fragmentsAllowed]))
        as? [String: Any]
    else { return nil }
    var problems: [String] = []
    for key in ["@level", "@message", "@timestamp"] {
      if let value = object[key], !(value is String) {
        problems.append("\(key) is not a string: a go-plugin host's stderr reader crashes on this line")
      }
    }
    let levelText = (object["@level"] as? String)?.trimmingCharacters(in: .whitespaces).lowercased()
    let level = levelText.flatMap(LogEntry.Level.init(rawValue:))
    if level == nil {
      problems.append(
        levelText.map {
          "@level \"\($0)\" is not trace|debug|info|warn|error: a go-plugin host logs the raw line at debug"
        }
          ?? "no @level: a go-plugin host logs the raw line at debug")
    }
    let timestamp = object["@timestamp"] as? String
    if let timestamp, !isGoTimestamp(timestamp) {
      problems.append(
        "@timestamp \"\(timestamp)\" is not 2006-01-02T15:04:05.000000Z07:00 (six fractional digits): "
          + "a go-plugin host treats the line as plain text")
    }
    let message = object["@message"].map { "\($0)" } ?? ""
    let fields = object.keys.filter { !["@level", "@message", "@timestamp", "@module"].contains($0) }.sorted().map {
      LogEntry.Field(key: $0, value: text(object[$0]))
    }
    return LogEntry(
      level: level ?? .debug, message: message, timestamp: timestamp, module: object["@module"] as? String,
      fields: fields, format: .json, raw: raw, problems: problems)
  }

  private static func text(_ value: Any?) -> String {
    switch value {
    case let string as String: return string
    case let number as NSNumber:
      if "\(type(of: number))".contains("Boolean") { return number.boolValue ? "true" : "false" }
      return number.stringValue
    case .none, is NSNull: return "null"
    case let other?:
      if let data = try? JSONSerialization.data(withJSONObject: other, options: [.sortedKeys, .fragmentsAllowed]) {
        return String(decoding: data, as: UTF8.self)
      }
      return "\(other)"
    }
  }

  /// Whether `text` matches Go's `2006-01-02T15:04:05.000000Z07:00` exactly.
  static func isGoTimestamp(_ text: String) -> Bool {
    let pattern = #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$"#
    return text.range(of: pattern, options: .regularExpression) != nil
  }
}
