import Foundation
import PluginHost

/// A command typed in the console or given with `--exec`: `get KEY`, `put KEY VALUE`, `health`, …
public enum ConsoleCommand: Sendable, Equatable {
  /// `get KEY`: read a value.
  case get(key: String)
  /// `put KEY VALUE…`: store the rest of the line (UTF-8), or bytes given as `0x…` hex.
  case put(key: String, value: Data)
  /// `health`: one health check now.
  case health
  /// `restart`: stop the plugin and start it again.
  case restart
  /// `clear`: clear the frame log and console.
  case clear
  /// `export FILE`: write the frame log as JSON lines; `export FILE.pcapng`: write the relay's
  /// traffic as pcapng (`isCaptureExport`).
  case export(path: String)
  /// `help`: list the commands.
  case help
  /// `services`: every service and method, streaming kinds, and where each schema came from.
  case services
  /// `describe NAME`: a service, method, message or enum in proto syntax.
  case describe(name: String)
  /// `call METHOD JSON`: a unary or server-streaming call with a request in protobuf's JSON mapping.
  case call(method: String, json: String)

  /// Commands and what they do, for `help` and error messages.
  public static let usage: [(String, String)] = [
    ("get KEY", "read KEY through proto.KV/Get"),
    ("put KEY VALUE", "store VALUE (the rest of the line; 0x… for hex bytes) through proto.KV/Put"),
    ("health", "call grpc.health.v1.Health/Check for \"plugin\""),
    ("restart", "stop the plugin (Shutdown, 2 s, SIGKILL) and start it again"),
    ("clear", "clear the frame log and console output"),
    (
      "export FILE",
      "write what the TUI holds to FILE as a plugin-dev log (`plugin-dev view FILE`); FILE.pcapng: the traffic, for Wireshark/tshark"
    ),
    ("services", "list the plugin's services and methods (streaming kinds, where each schema came from)"),
    ("describe NAME", "show a service, method, message or enum in proto syntax"),
    ("call METHOD JSON", "call a unary or server-streaming method with a JSON request (protobuf JSON mapping)"),
    ("help", "show this list"),
  ]

  /// Whether the command needs the running plugin or its session (a call, the session's schemas,
  /// a restart, the relay's capture).
  public var actsOnThePlugin: Bool {
    switch self {
    case .get, .put, .health, .restart, .call, .services, .describe: return true
    case .export(let path): return Self.isCaptureExport(path)
    case .clear, .help: return false
    }
  }

  /// Whether `export PATH` writes the capture (pcapng) rather than the frame log: PATH ends in `.pcapng`.
  public static func isCaptureExport(_ path: String) -> Bool {
    path.lowercased().hasSuffix(".pcapng")
  }

  /// Parses one line; the error says what was wrong and lists the commands.
  ///
  /// A leading `:` is dropped: typing `:` again inside the console is a habit (`:` opens it).
  public static func parse(_ line: String) throws(ConsoleCommandError) -> ConsoleCommand {
    var trimmed = line.trimmingCharacters(in: .whitespaces)
    while trimmed.hasPrefix(":") { trimmed = String(trimmed.dropFirst()).trimmingCharacters(in: .whitespaces) }
    let parts = trimmed.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).map(String.init)
    guard let verb = parts.first?.lowercased() else { throw .empty }
    switch verb {
    case "get":
      guard parts.count == 2 else { throw .usage("get KEY") }
      return .get(key: parts[1])
    case "put", "set":
      guard parts.count >= 2 else { throw .usage("put KEY VALUE") }
      let text = parts.count == 3 ? parts[2] : ""
      return .put(key: parts[1], value: try value(text))
    case "health":
      return .health
    case "restart":
      return .restart
    case "clear":
      return .clear
    case "export":
      guard parts.count >= 2 else { throw .usage("export FILE") }
      return .export(path: parts.dropFirst().joined(separator: " "))
    case "help", "?":
      return .help
    case "services":
      return .services
    case "describe":
      guard parts.count >= 2 else { throw .usage("describe NAME (a service, method, message or enum)") }
      return .describe(name: parts[1])
    case "call":
      guard parts.count >= 2 else { throw .usage("call METHOD JSON, e.g. call proto.KV/Get {\"key\": \"a\"}") }
      return .call(method: parts[1], json: parts.count == 3 ? parts[2] : "{}")
    default:
      throw .unknown(verb)
    }
  }

  private static func value(_ text: String) throws(ConsoleCommandError) -> Data {
    guard text.hasPrefix("0x"), text.count > 2 else { return Data(text.utf8) }
    let hex = Array(text.dropFirst(2).utf8)
    guard hex.count % 2 == 0 else { throw .badHex(text) }
    var bytes: [UInt8] = []
    for i in stride(from: 0, to: hex.count, by: 2) {
      guard let byte = UInt8(String(decoding: hex[i..<i + 2], as: UTF8.self), radix: 16) else { throw .badHex(text) }
      bytes.append(byte)
    }
    return Data(bytes)
  }
}

/// Why a console line is not a command.
public enum ConsoleCommandError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Nothing typed.
  case empty
  /// Not a known command.
  case unknown(String)
  /// Wrong arguments.
  case usage(String)
  /// `0x…` with an odd length or non-hex digits.
  case badHex(String)

  /// What was wrong and what to type.
  public var description: String {
    switch self {
    case .empty: return "type a command: " + ConsoleCommand.usage.map(\.0).joined(separator: ", ")
    case .unknown(let verb):
      return "unknown command '\(verb)'; commands: " + ConsoleCommand.usage.map(\.0).joined(separator: ", ")
    case .usage(let form): return "usage: \(form)"
    case .badHex(let text): return "'\(text)' is not hex bytes (0x followed by pairs of 0-9a-f)"
    }
  }
}
