import Foundation

/// One decoded line of plugin stderr.
public struct LogEntry: Sendable, Equatable, Codable {
  /// Severity, as go-plugin's host would log the line.
  public enum Level: String, Sendable, Equatable, Codable, CaseIterable, Comparable {
    case trace, debug, info, warn, error

    /// Orders trace < debug < info < warn < error.
    public static func < (a: Level, b: Level) -> Bool {
      allCases.firstIndex(of: a) ?? 0 < allCases.firstIndex(of: b) ?? 0
    }
  }

  /// How the line was read.
  public enum Format: String, Sendable, Equatable, Codable {
    /// An hclog JSON object.
    case json
    /// Plain text (level from a `[LEVEL]` prefix, else debug).
    case plain
  }

  /// A key/value field of a JSON line (values rendered as text).
  public struct Field: Sendable, Equatable, Codable {
    /// The key.
    public var key: String
    /// The value as text (strings unquoted, other JSON as JSON).
    public var value: String
    /// Creates a field.
    public init(key: String, value: String) {
      self.key = key
      self.value = value
    }
  }

  /// The level.
  public var level: Level
  /// The message (`@message`, or the text after a `[LEVEL]` prefix).
  public var message: String
  /// `@timestamp` as written by the plugin.
  public var timestamp: String?
  /// `@module`.
  public var module: String?
  /// Other fields, in key order.
  public var fields: [Field]
  /// How it was read.
  public var format: Format
  /// The original line.
  public var raw: String
  /// True for lines of a panic / stack trace (go-plugin v1.7+ logs these at error).
  public var inPanic: Bool
  /// A line inside a panic or traceback after its first line: shown folded under it (indented,
  /// no level of its own), so a Python KeyboardInterrupt reads as one error, not eleven.
  public var continuesPanic: Bool {
    inPanic && format == .plain && !LogEntry.panicStarts.contains { raw.hasPrefix($0) }
  }

  /// The lines that start a panic or a traceback.
  public static let panicStarts = ["panic: ", "fatal error: ", "Traceback (most recent call last):"]
  /// Things a go-plugin host would mishandle in this line.
  public var problems: [String]
  /// True for a piece of a line longer than the 64 KiB go-plugin reads at once.
  public var isPartOfLongLine: Bool

  /// Creates an entry.
  public init(
    level: Level, message: String, timestamp: String? = nil, module: String? = nil, fields: [Field] = [],
    format: Format, raw: String, inPanic: Bool = false, problems: [String] = [], isPartOfLongLine: Bool = false
  ) {
    self.level = level
    self.message = message
    self.timestamp = timestamp
    self.module = module
    self.fields = fields
    self.format = format
    self.raw = raw
    self.inPanic = inPanic
    self.problems = problems
    self.isPartOfLongLine = isPartOfLongLine
  }
}
