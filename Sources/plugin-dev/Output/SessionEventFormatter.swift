import Foundation
import PluginHost
import PluginProtocol
import PluginSession
import WireTap

/// Renders session events as plain lines or JSON lines (headless mode); pure, so it is tested directly.
///
/// JSON lines: one object per event with `"event"` (`build`, `build-output`, `build-finished`,
/// `started`, `handshake`, `handshake-failed`, `log`, `stray-stdout`, `tap`, `frame`, `health`,
/// `call`, `notice`, `exited`, `finished`) and `"time"` (ISO 8601), plus the event's fields.
struct SessionEventFormatter: Sendable {
  /// Which events to include.
  var showFrames: Bool
  /// Include every health sample (otherwise only changes of status).
  var showEveryHealthCheck: Bool
  /// Where the variables not listed came from: plugin-dev's environment for `run`, the host's
  /// for a log `wrap` wrote (the host started wrap, wrap passed its environment on).
  var inheritedFrom = "plugin-dev's environment (--unset NAME removes one)"
  private var lastHealthLabel: String?

  /// Creates a formatter.
  init(showFrames: Bool = true, showEveryHealthCheck: Bool = false) {
    self.showFrames = showFrames
    self.showEveryHealthCheck = showEveryHealthCheck
  }

  /// Whether a health sample is worth a line (a change, or every one when asked).
  private mutating func healthWanted(_ sample: HealthSample) -> Bool {
    defer { lastHealthLabel = sample.label }
    return showEveryHealthCheck || sample.label != lastHealthLabel
  }

  /// A plain text line (possibly several lines) for `event`, or nil when it is not shown.
  ///
  /// The one place text output is made: every line `lines(_:)` builds passes through
  /// `TerminalText.oneLine`, so a line break inside what a plugin sent (an hclog message or field,
  /// a grpc-message, a reflection name, any string of a log) shows as `⏎` and cannot start a line
  /// that looks like plugin-dev's own.
  mutating func text(_ event: SessionEvent) -> String? {
    lines(event)?.map(TerminalText.oneLine).joined(separator: "\n")
  }

  /// The lines of `event`: the first names the event, the others are indented continuations.
  private mutating func lines(_ event: SessionEvent) -> [String]? {
    let indent = "          "
    switch event {
    case .buildStarted(let command): return ["build     \(command)"]
    case .buildOutput(let line, _): return ["build   | \(line)"]
    case .buildFinished(let status, let seconds):
      return [
        status.isSuccess
          ? String(format: "build     done in %.1f s", seconds)
          : String(format: "build     FAILED (%@) after %.1f s", status.description, seconds)
      ]
    case .started(let info):
      let env = info.environment.keys.sorted().map {
        "\($0)=\(PluginEnvironment.displayValue(info.environment[$0] ?? ""))"
      }
      .joined(separator: " ")
      let host = info.host.map { " (host profile \($0))" } ?? ""
      var lines = ["started   pid \(info.pid)\(host): \(info.command)", "\(indent)env \(env)"]
      if info.inheritedCount > 0 {
        lines.append("\(indent)and \(info.inheritedCount) variables inherited from \(inheritedFrom)")
      }
      if !info.removedEnvironment.isEmpty {
        lines.append("\(indent)unset \(info.removedEnvironment.joined(separator: " "))")
      }
      return lines
    case .handshake(let line, let raw, let warnings, let seconds):
      let text = String(
        format: "handshake %@ (%.0f ms): core %d, app %d, %@ %@, %@",
        HandshakeText.shortened(raw.trimmingCharacters(in: .whitespacesAndNewlines)), seconds * 1000, line.coreVersion,
        line.appVersion,
        line.network.rawValue, line.address, line.protocolName)
      return [text] + warnings.map { "\(indent)warning: \($0)" }
    case .handshakeFailed(let diagnosis):
      // plugin-dev's own diagnosis, several lines; what it quotes of the plugin is one line each.
      let parts = diagnosis.description.components(separatedBy: "\n")
      return ["FAILED    " + (parts.first ?? "")] + parts.dropFirst().map { indent + $0 }
    case .log(let entry) where entry.continuesPanic:
      return ["          │ \(entry.message)"]
    case .log(let entry):
      var text =
        "log       \(entry.level.rawValue.uppercased()) \(entry.module.map { "\($0): " } ?? "")\(entry.message)"
      if !entry.fields.isEmpty { text += " " + entry.fields.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
      return [text] + entry.problems.map { "\(indent)problem: \($0)" }
    case .strayStdout(let line):
      return line.isEmpty
        ? ["stdout    an empty line after the handshake (a go-plugin host drops it)"]
        : ["stdout    \(line)   (after the handshake: a go-plugin host drops this line)"]
    case .tapReady(let local, let plugin):
      return ["tap       relay \(local) → plugin \(plugin)"]
    case .frame(let record):
      guard showFrames else { return nil }
      let host = ServedConnection.hostConnection(record.connection).map { "host#\($0) " } ?? ""
      return [String(format: "frame     %@%@ s%-3u %@", host, record.direction.arrow, record.streamID, record.summary)]
        + (record.note.map { ["\(indent)note: \($0)"] } ?? [])
    case .health(let sample):
      guard healthWanted(sample) else { return nil }
      if case .failed(let code, let message) = sample.outcome {
        let label = sample.label == code.description ? code.grpcName : sample.label
        return [String(format: "health    %@ (%.1f ms): %@", label, sample.latency * 1000, message)]
      }
      return [String(format: "health    %@ (%.1f ms)", sample.label, sample.latency * 1000)]
    case .call(let call):
      let detail = call.detail.map { indent + $0 }
      if let index = call.streamIndex {
        return ["call      \(call.command) → #\(index) \(call.result)"] + detail
      }
      return [
        String(
          format: "call      %@ → %@ %@ (%.1f ms)", call.command, call.ok ? "ok" : call.code.grpcName, call.result,
          call.latency * 1000)
      ] + detail
    case .notice(let text):
      return ["note      \(text)"]
    case .schemas:
      return nil
    case .exited(let status, let expected):
      return ["exited    \(status)\(expected ? "" : " (unexpected)")"]
    case .serving(let config):
      var lines = [
        "serve     a real host can reattach through the tap (go-plugin ReattachConfig, pid \(config.pid)):",
        indent + config.goPluginJSON,
      ]
      if let line = config.hostLine {
        lines.append(indent + line)
      } else if let variable = config.hostVariable {
        lines.append(indent + "(give --provider-address registry.terraform.io/NAMESPACE/NAME for the \(variable) line)")
      }
      lines.append(indent + "TLS: " + config.tlsStatement)
      return lines
    case .finished:
      return nil
    }
  }

  /// One JSON object (as a line) for `event`, or nil when it is not shown.
  mutating func json(_ event: SessionEvent, time: Date = Date()) -> String? {
    var object: [String: Any] = ["time": Self.iso(time), "event": event.recordName]
    switch event {
    case .buildStarted(let command):
      object["command"] = command
    case .buildOutput(let line, let stream):
      object["line"] = line
      object["stream"] = stream.rawValue
    case .buildFinished(let status, let seconds):
      object["status"] = status.description
      object["ok"] = status.isSuccess
      object["seconds"] = seconds
    case .started(let info):
      object["pid"] = Int(info.pid)
      object["command"] = info.command
      object["environment"] = info.environment
      object["unset"] = info.removedEnvironment
      object["inherited"] = info.inheritedCount
      object["workingDirectory"] = info.workingDirectory
      object["generation"] = info.generation
      if let host = info.host { object["host"] = host }
    case .handshake(let line, let raw, let warnings, let seconds):
      object["raw"] = raw
      object["core"] = line.coreVersion
      object["app"] = line.appVersion
      object["network"] = line.network.rawValue
      object["address"] = line.address
      object["protocol"] = line.protocolName
      object["warnings"] = warnings.map(\.description)
      object["seconds"] = seconds
    case .handshakeFailed(let diagnosis):
      object["kind"] = diagnosis.kind
      object["line"] = diagnosis.line ?? NSNull()
      if case .exitedBeforeHandshake(let status, let tail) = diagnosis {
        object["status"] = status.description
        object["stderrTail"] = tail
      }
      if case .invalid(let error, _) = diagnosis { object["error"] = error.title }
      object["title"] = diagnosis.title
      object["goPlugin"] = diagnosis.goPluginMessage ?? NSNull()
      object["hint"] = diagnosis.hint
    case .log(let entry):
      object["level"] = entry.level.rawValue
      object["message"] = entry.message
      object["module"] = entry.module ?? NSNull()
      object["fields"] = Dictionary(entry.fields.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
      object["format"] = entry.format.rawValue
      object["problems"] = entry.problems
      object["raw"] = entry.raw
    case .strayStdout(let line):
      object["line"] = line
    case .tapReady(let local, let plugin):
      object["local"] = local
      object["plugin"] = plugin
    case .frame(let record):
      guard showFrames else { return nil }
      if let data = try? Self.encoder.encode(record),
        let frame = try? JSONSerialization.jsonObject(with: data)
      {
        object["frame"] = frame
      }
      if let host = ServedConnection.hostConnection(record.connection) { object["hostConnection"] = host }
    case .health(let sample):
      guard healthWanted(sample) else { return nil }
      object["status"] = sample.label
      object["latencyMs"] = sample.latency * 1000
      if case .failed(let code, let message) = sample.outcome {
        object["code"] = code.description
        object["message"] = message
      }
    case .serving(let config):
      object["reattach"] = (try? JSONSerialization.jsonObject(with: Data(config.goPluginJSON.utf8))) ?? NSNull()
      object["pid"] = Int(config.pid)
      object["address"] = config.address
      object["hostLine"] = config.hostLine ?? NSNull()
      object["tls"] = config.tlsStatement
    case .call(let call):
      object["command"] = call.command
      object["method"] = call.method
      object["code"] = call.code.description
      object["ok"] = call.ok
      object["result"] = call.result
      if let json = call.resultJSON,
        let parsed = try? JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed)
      {
        object["result"] = parsed
      }
      if !call.detail.isEmpty { object["detail"] = call.detail }
      if let index = call.streamIndex { object["message"] = index }
      object["latencyMs"] = call.latency * 1000
    case .notice(let text):
      object["text"] = text
    case .schemas:
      return nil
    case .exited(let status, let expected):
      object["status"] = status.description
      object["expected"] = expected
    case .finished:
      break
    }
    guard
      let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    else { return nil }
    return String(decoding: data, as: UTF8.self)
  }

  /// A call that has waited `seconds` for its answer (headless prints one every few seconds).
  static func waiting(_ command: String, seconds: Int, json: Bool) -> String {
    guard json else { return "waiting   \(TerminalText.oneLine(command)): \(seconds) s so far, no answer yet" }
    let object: [String: Any] = ["event": "waiting", "command": command, "seconds": seconds]
    let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    return data.map { String(decoding: $0, as: UTF8.self) } ?? ""
  }

  private static let encoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
  }()

  /// ISO 8601 with milliseconds, UTC.
  static func iso(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.string(from: date)
  }
}
