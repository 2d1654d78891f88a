import Foundation
import PluginProtocol

/// Why a plugin did not complete its go-plugin handshake, with go-plugin's message and a fix.
public enum HandshakeDiagnosis: Error, Sendable, Equatable, Codable, CustomStringConvertible {
  /// The first stdout line was not a handshake (a banner, a log line, an empty line).
  case textBeforeHandshake(firstLine: String, handshakeLater: LaterLine?)
  /// Nothing arrived on stdout before the timeout.
  case timeout(seconds: Double)
  /// The handshake arrived only when the plugin was stopped or exited: stdout was not flushed.
  case unflushed(line: String, atExit: Bool)
  /// The plugin exited before printing a line.
  case exitedBeforeHandshake(status: PluginProcess.ExitStatus, stderrTail: [String])
  /// The line was a handshake a go-plugin host refuses.
  case invalid(HandshakeError, line: String)
  /// The handshake was fine but nothing accepts connections at its address.
  case unreachable(address: String, reason: String)

  /// A handshake line that came after junk, with its 1-based stdout line number.
  public struct LaterLine: Sendable, Equatable, Codable {
    /// 1-based line number on stdout.
    public var number: Int
    /// The line.
    public var text: String
    /// Creates a value.
    public init(number: Int, text: String) {
      self.number = number
      self.text = text
    }
  }

  /// Which case this is, by name (`textBeforeHandshake`, `invalid`, …), for JSON readers.
  public var kind: String {
    switch self {
    case .textBeforeHandshake: return "textBeforeHandshake"
    case .timeout: return "timeout"
    case .unflushed: return "unflushed"
    case .exitedBeforeHandshake: return "exitedBeforeHandshake"
    case .invalid: return "invalid"
    case .unreachable: return "unreachable"
    }
  }

  /// The stdout line the diagnosis is about, if any.
  public var line: String? {
    switch self {
    case .textBeforeHandshake(let line, _), .unflushed(let line, _), .invalid(_, let line): return line
    case .timeout, .exitedBeforeHandshake, .unreachable: return nil
    }
  }

  /// A short title (`text before the handshake`, `plugin exited`, …).
  public var title: String {
    switch self {
    case .textBeforeHandshake: return "text before the handshake"
    case .timeout: return "no handshake (timeout)"
    case .unflushed: return "handshake not flushed"
    case .exitedBeforeHandshake: return "plugin exited before the handshake"
    case .invalid(let error, _): return error.title
    case .unreachable: return "address unreachable"
    }
  }

  /// What a go-plugin host (HEAD) would report, when it reports anything.
  public var goPluginMessage: String? {
    switch self {
    case .textBeforeHandshake(let line, _):
      return HandshakeError.unrecognized(line: line).goPluginMessage
    case .timeout, .unflushed(_, atExit: false):
      return "timeout while waiting for plugin to start"
    case .unflushed(_, atExit: true), .exitedBeforeHandshake:
      return "Unrecognized remote plugin message: \nFailed to read any lines from plugin's stdout\n"
        + HandshakeError.unrecognizedExplanation
    case .invalid(let error, _):
      return error.goPluginMessage
    case .unreachable(let address, let reason):
      return
        "rpc error: code = Unavailable desc = connection error: desc = \"transport: error while dialing: dial \(address): \(reason)\""
    }
  }

  /// What to change, in plain words.
  public var hint: String {
    switch self {
    case .textBeforeHandshake(let line, let later):
      var text = HandshakeError.unrecognized(line: line).hint
      if let later {
        text += " The handshake itself came on stdout line \(later.number): \(later.text)"
      }
      return text
    case .timeout(let seconds):
      return "The plugin printed nothing on stdout within \(Self.format(seconds)) s. Print the handshake line "
        + "(e.g. 1|1|tcp|127.0.0.1:1234|grpc) once the server listens, and flush stdout right after it "
        + "(Python: print(..., flush=True); C: fflush(stdout); Swift: write to FileHandle.standardOutput)."
    case .unflushed(_, let atExit):
      return
        (atExit
        ? "The handshake line only reached the pipe when the plugin exited"
        : "The handshake line only reached the pipe when plugin-dev stopped the plugin")
        + ": stdout is block-buffered when it is not a terminal, so a go-plugin host waits until its timeout. "
        + "Flush stdout right after printing the line (Python: print(..., flush=True) or sys.stdout.flush())."
    case .exitedBeforeHandshake(let status, let tail):
      return Self.exitHint(status: status, stderrTail: tail)
    case .invalid(let error, _):
      return error.hint
    case .unreachable(let address, _):
      return "Nothing accepts connections at \(address). Start listening before printing the handshake, and "
        + "print the address the server actually bound (with the real port when you asked for port 0)."
    }
  }

  /// Title, go-plugin's message and the hint, for plain-text output.
  public var description: String {
    var text = title
    if let message = goPluginMessage {
      text += "\n\(HandshakeError.goPluginLabel): " + message.replacingOccurrences(of: "\n", with: "\n  ")
    }
    return text + "\nfix: " + hint
  }

  private static func exitHint(status: PluginProcess.ExitStatus, stderrTail: [String]) -> String {
    let stderr = stderrTail.joined(separator: "\n")
    var text = "The plugin ended (\(status)) without printing a handshake line"
    if stderr.contains("This binary is a plugin. These are not meant to be executed directly") {
      text +=
        ". It did not find its magic cookie: the variable and value in plugin.json's \"handshake\" must be "
        + "the ones the plugin checks; for a command line, give both with --cookie KEY=VALUE."
    } else if stderr.contains("ModuleNotFoundError") || stderr.contains("No module named") {
      text +=
        ". Python could not import a module: run the build step (install requirements.txt into the venv "
        + "the command uses)."
    } else if stderr.contains("Traceback (most recent call last)") {
      text += ". Python raised an exception; the traceback is in the plugin's stderr."
    } else if stderr.contains("panic: ") || stderr.contains("fatal error: ") {
      text += ". It panicked; the stack trace is in the plugin's stderr."
    } else if stderr.contains("plugin init error") {
      text +=
        ". It could not start listening (see 'plugin init error' in its stderr): check PLUGIN_MIN_PORT/"
        + "PLUGIN_MAX_PORT, the socket directory and its path length."
    } else if status == .exited(127) {
      text += ". Exit code 127 means the shell could not find the command: check \"command\" in plugin.json."
    } else if status == .exited(126) {
      text += ". Exit code 126 means the command is not executable: chmod +x it."
    } else {
      text += ". The reason is usually in its stderr (a go-plugin host only shows stderr at debug level)."
    }
    return text
  }

  private static func format(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
  }
}
