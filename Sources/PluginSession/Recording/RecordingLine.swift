import Foundation
import PluginHost
import PluginProtocol
import WireTap

/// One line of a plugin-dev log: the header, or a session event with its time.
///
/// Every line is a JSON object with an `event` key (`header`, then the `SessionEvent` names
/// `run --headless --json` uses: `started`, `handshake`, `log`, `frame`, `health`, `call`,
/// `exited`, …) and a `time` (RFC 3339 with fractions). A frame line is the frame record as
/// `FrameRecord` encodes it plus `"event":"frame"`; other events carry their values' fields.
/// Dates are RFC 3339 with fractions of a second throughout.
public struct RecordingLine: Sendable {
  /// What the line holds.
  public enum Content: Sendable {
    /// The first line.
    case header(RecordingHeader)
    /// A session event.
    case event(SessionEvent)
    /// An event this plugin-dev does not know (written by a newer one); skipped.
    case unknown(String)
  }

  /// What the line holds.
  public var content: Content
  /// When it happened.
  public var time: Date

  /// A line.
  public init(_ content: Content, time: Date) {
    self.content = content
    self.time = time
  }

  /// The encoder for log lines: sorted keys, RFC 3339 dates with fractions.
  public static func makeEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .custom { date, encoder in
      var container = encoder.singleValueContainer()
      try container.encode(Self.format(date))
    }
    return encoder
  }

  /// The decoder for log lines.
  public static func makeDecoder() -> JSONDecoder {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .custom { decoder in
      let container = try decoder.singleValueContainer()
      if let seconds = try? container.decode(Double.self) { return Date(timeIntervalSinceReferenceDate: seconds) }
      let text = try container.decode(String.self)
      if let date = Self.parse(text) { return date }
      throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 time: \(text)")
    }
    return decoder
  }

  /// RFC 3339 in UTC with microseconds: `2026-12-01T03:21:20.165042Z` (latencies read back
  /// from a log must be what was measured, not rounded to milliseconds).
  public static func format(_ date: Date) -> String {
    var whole = date.timeIntervalSince1970.rounded(.down)
    var micros = Int(((date.timeIntervalSince1970 - whole) * 1_000_000).rounded())
    if micros >= 1_000_000 {
      whole += 1
      micros -= 1_000_000
    }
    let base = Date(timeIntervalSince1970: whole).formatted(wholeSeconds)
    let fraction = String(micros)
    return String(base.dropLast()) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction + "Z"
  }

  /// Reads RFC 3339 (`…Z` or `…+01:00`, with or without a fraction of a second).
  public static func parse(_ text: String) -> Date? {
    guard let dot = text.firstIndex(of: ".") else { return try? wholeSeconds.parse(text) }
    let digits = text[text.index(after: dot)...].prefix { $0.isNumber }
    let zone = text[text.index(dot, offsetBy: digits.count + 1)...]
    guard !digits.isEmpty, let base = try? wholeSeconds.parse(String(text[..<dot]) + zone),
      let fraction = Double("0." + digits)
    else { return nil }
    return base.addingTimeInterval(fraction)
  }

  private static let wholeSeconds = Date.ISO8601FormatStyle()
}

extension SessionEvent {
  /// The `event` name of the event in logs and in `--json` output.
  public var recordName: String {
    switch self {
    case .buildStarted: return "build"
    case .buildOutput: return "build-output"
    case .buildFinished: return "build-finished"
    case .started: return "started"
    case .handshake: return "handshake"
    case .handshakeFailed: return "handshake-failed"
    case .log: return "log"
    case .strayStdout: return "stray-stdout"
    case .tapReady: return "tap"
    case .frame: return "frame"
    case .health: return "health"
    case .serving: return "serve"
    case .call: return "call"
    case .notice: return "notice"
    case .schemas: return "schemas"
    case .exited: return "exited"
    case .finished: return "finished"
    }
  }
}

extension RecordingLine: Codable {
  private enum Key: String, CodingKey {
    case event, time, command, line, stream, status, seconds, raw, handshake, warnings, diagnosis, local, plugin
    case text, expected, kind, title, hint, goPlugin
  }

  /// Encodes the line as one flat JSON object.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: Key.self)
    switch content {
    case .header(let header):
      try container.encode("header", forKey: .event)
      try header.encode(to: encoder)
      return
    case .unknown(let name):
      try container.encode(name, forKey: .event)
      try container.encode(time, forKey: .time)
      return
    case .event(let event):
      try container.encode(event.recordName, forKey: .event)
      switch event {
      case .frame(let record): return try record.encode(to: encoder)
      case .health(let sample): return try sample.encode(to: encoder)
      default: try container.encode(time, forKey: .time)
      }
      switch event {
      case .buildStarted(let command): try container.encode(command, forKey: .command)
      case .buildOutput(let line, let stream):
        try container.encode(line, forKey: .line)
        try container.encode(stream, forKey: .stream)
      case .buildFinished(let status, let seconds):
        try container.encode(status, forKey: .status)
        try container.encode(seconds, forKey: .seconds)
      case .started(let info): try info.encode(to: encoder)
      case .handshake(let line, let raw, let warnings, let seconds):
        try container.encode(line, forKey: .handshake)
        try container.encode(raw, forKey: .raw)
        try container.encode(warnings, forKey: .warnings)
        try container.encode(seconds, forKey: .seconds)
      case .handshakeFailed(let diagnosis):
        // `diagnosis` is what view reads back; the named fields beside it are for jq and people.
        try container.encode(diagnosis, forKey: .diagnosis)
        try container.encode(diagnosis.kind, forKey: .kind)
        try container.encode(diagnosis.title, forKey: .title)
        try container.encode(diagnosis.hint, forKey: .hint)
        try container.encodeIfPresent(diagnosis.goPluginMessage, forKey: .goPlugin)
        try container.encodeIfPresent(diagnosis.line, forKey: .line)
      case .log(let entry): try entry.encode(to: encoder)
      case .strayStdout(let line): try container.encode(line, forKey: .line)
      case .tapReady(let local, let plugin):
        try container.encode(local, forKey: .local)
        try container.encode(plugin, forKey: .plugin)
      case .call(let record): try record.encode(to: encoder)
      case .serving(let config): try config.encode(to: encoder)
      case .notice(let text): try container.encode(text, forKey: .text)
      case .schemas(let catalog):
        // Sessions do not log it (`SessionEvents`); written only if a caller records one itself.
        try container.encode(catalog.methods.map(\.path).joined(separator: " "), forKey: .text)
      case .exited(let status, let expected):
        try container.encode(status, forKey: .status)
        try container.encode(expected, forKey: .expected)
      case .finished, .frame, .health: break
      }
    }
  }

  /// Decodes a line; an `event` this version does not know becomes `.unknown`.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: Key.self)
    let name = try container.decode(String.self, forKey: .event)
    func time() throws -> Date { try container.decode(Date.self, forKey: .time) }
    switch name {
    case "header":
      let header = try RecordingHeader(from: decoder)
      self.init(.header(header), time: header.time)
    case "frame":
      let record = try FrameRecord(from: decoder)
      self.init(.event(.frame(record)), time: record.time)
    case "health":
      let sample = try HealthSample(from: decoder)
      self.init(.event(.health(sample)), time: sample.time)
    default:
      guard let event = try Self.event(named: name, in: container, decoder: decoder) else {
        self.init(.unknown(name), time: (try? time()) ?? Date.distantPast)
        return
      }
      self.init(.event(event), time: try time())
    }
  }

  private static func event(named name: String, in container: KeyedDecodingContainer<Key>, decoder: any Decoder) throws
    -> SessionEvent?
  {
    switch name {
    case "build": return .buildStarted(command: try container.decode(String.self, forKey: .command))
    case "build-output":
      return .buildOutput(
        try container.decode(String.self, forKey: .line),
        stream: try container.decode(PluginProcess.Stream.self, forKey: .stream))
    case "build-finished":
      return .buildFinished(
        status: try container.decode(PluginProcess.ExitStatus.self, forKey: .status),
        seconds: try container.decode(Double.self, forKey: .seconds))
    case "started": return .started(try SessionEvent.StartInfo(from: decoder))
    case "handshake":
      return .handshake(
        try container.decode(HandshakeLine.self, forKey: .handshake),
        raw: try container.decode(String.self, forKey: .raw),
        warnings: try container.decode([HandshakeWarning].self, forKey: .warnings),
        seconds: try container.decode(Double.self, forKey: .seconds))
    case "handshake-failed": return .handshakeFailed(try container.decode(HandshakeDiagnosis.self, forKey: .diagnosis))
    case "log": return .log(try LogEntry(from: decoder))
    case "stray-stdout": return .strayStdout(try container.decode(String.self, forKey: .line))
    case "tap":
      return .tapReady(
        local: try container.decode(String.self, forKey: .local),
        plugin: try container.decode(String.self, forKey: .plugin))
    case "call": return .call(try CallRecord(from: decoder))
    case "serve": return .serving(try ReattachConfig(from: decoder))
    case "notice": return .notice(try container.decode(String.self, forKey: .text))
    case "exited":
      return .exited(
        try container.decode(PluginProcess.ExitStatus.self, forKey: .status),
        expected: try container.decode(Bool.self, forKey: .expected))
    case "finished": return .finished
    default: return nil
    }
  }
}
