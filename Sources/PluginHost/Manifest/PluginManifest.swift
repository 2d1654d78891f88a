import Foundation
import PluginProtocol

/// A plugin folder's `plugin.json`: how to build and start the plugin and which handshake it speaks.
///
/// ```json
/// {
///   "name": "kv-plugin",
///   "description": "KV plugin in Python",
///   "build": "python3 -m venv .venv && .venv/bin/pip install -r requirements.txt",
///   "command": [".venv/bin/python", "plugin.py"],
///   "environment": { "KV_PLUGIN_NETWORK": "tcp" },
///   "handshake": { "protocolVersions": [1], "magicCookieKey": "BASIC_PLUGIN", "magicCookieValue": "hello" }
/// }
/// ```
/// `build` and `command` are either a shell command (a string, run with `/bin/sh -c`) or an
/// argument list (an array, run directly; a first element containing `/` is relative to the
/// folder). Only `command` is required; `handshake` defaults to go-plugin's KV example. `"host":
/// "terraform"` names the real host the plugin is written for (a host profile: its cookie and
/// versions then win over `handshake`).
public struct PluginManifest: Sendable, Equatable, Codable {
  /// The file name looked for in a plugin folder.
  public static let fileName = "plugin.json"

  /// A command: shell text or an argument list.
  public enum Command: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Run with `/bin/sh -c`.
    case shell(String)
    /// Run directly.
    case arguments([String])

    /// Decodes a string or an array of strings.
    public init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      if let text = try? container.decode(String.self) {
        self = .shell(text)
      } else {
        self = .arguments(try container.decode([String].self))
      }
    }

    /// Encodes as a string or an array.
    public func encode(to encoder: any Encoder) throws {
      var container = encoder.singleValueContainer()
      switch self {
      case .shell(let text): try container.encode(text)
      case .arguments(let list): try container.encode(list)
      }
    }

    /// The command as a person would type it.
    public var description: String {
      switch self {
      case .shell(let text): return text
      case .arguments(let list): return list.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
      }
    }

    /// Whether the command runs a Python plugin: a `python…` interpreter or a `.py` file in it
    /// (advice only Python authors need, such as flushing stdout, depends on it).
    public var looksLikePython: Bool {
      let words: [Substring]
      switch self {
      case .shell(let text): words = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
      case .arguments(let list): words = list.map { Substring($0) }
      }
      return words.contains { word in
        let name = word.split(separator: "/").last ?? word
        return name.hasPrefix("python") || name.hasSuffix(".py")
      }
    }

    /// Whether the command is empty (which a manifest may not be).
    var isEmpty: Bool {
      switch self {
      case .shell(let text): return text.trimmingCharacters(in: .whitespaces).isEmpty
      case .arguments(let list): return list.first?.isEmpty ?? true
      }
    }

    /// Executable and arguments, with a relative executable path resolved against `folder`.
    public func launchArguments(in folder: URL) -> (executable: String, arguments: [String]) {
      switch self {
      case .shell(let text):
        return ("/bin/sh", ["-c", text])
      case .arguments(let list):
        guard var executable = list.first else { return ("/bin/sh", ["-c", ""]) }
        if executable.contains("/") && !executable.hasPrefix("/") {
          executable = folder.appendingPathComponent(executable).standardizedFileURL.path
        }
        return (executable, Array(list.dropFirst()))
      }
    }
  }

  /// Display name (defaults to the folder name).
  public var name: String?
  /// One line about the plugin.
  public var description: String?
  /// Run before starting the plugin, in the folder; a failure stops `run`.
  public var build: Command?
  /// Starts the plugin.
  public var command: Command
  /// Working directory relative to the folder (default: the folder).
  public var workingDirectory: String?
  /// Extra environment for the plugin (and the build).
  public var environment: [String: String]?
  /// App protocol versions and magic cookie the plugin expects.
  public var handshake: HandshakeConfig?
  /// .proto files describing the plugin's services, relative to the folder (compiled with protoc).
  public var protos: [String]?
  /// The host the plugin is written for: a host profile's name (`"terraform"`) or a profile file
  /// relative to the folder; `run`, `check` and `env` act as that host unless `--host` says otherwise.
  public var host: String?

  /// Creates a manifest.
  public init(
    name: String? = nil, description: String? = nil, build: Command? = nil, command: Command,
    workingDirectory: String? = nil, environment: [String: String]? = nil, handshake: HandshakeConfig? = nil,
    protos: [String]? = nil, host: String? = nil
  ) {
    self.host = host
    self.protos = protos
    self.name = name
    self.description = description
    self.build = build
    self.command = command
    self.workingDirectory = workingDirectory
    self.environment = environment
    self.handshake = handshake
  }

  /// The handshake settings in force (go-plugin's KV example when the manifest names none).
  public var effectiveHandshake: HandshakeConfig { handshake ?? .kvExample }

  /// Reads and checks `plugin.json` in `folder`.
  public static func load(from folder: URL) throws(PluginManifestError) -> PluginManifest {
    let file = folder.appendingPathComponent(fileName)
    let data: Data
    do {
      data = try Data(contentsOf: file)
    } catch {
      throw .unreadable(file.path, reason: error.localizedDescription)
    }
    return try parse(data, file: file.path)
  }

  /// Parses manifest text; `file` names it in errors.
  public static func parse(_ data: Data, file: String) throws(PluginManifestError) -> PluginManifest {
    let manifest: PluginManifest
    do {
      manifest = try JSONDecoder().decode(PluginManifest.self, from: data)
    } catch let DecodingError.dataCorrupted(context) where context.codingPath.isEmpty {
      let (location, reason) = syntaxError(in: data) ?? (nil, jsonErrorReason(context))
      throw .invalidJSON(file, location: location, reason: reason)
    } catch let DecodingError.keyNotFound(key, context) {
      throw .missingField(file, field: (context.codingPath + [key]).map(\.stringValue).joined(separator: "."))
    } catch let DecodingError.typeMismatch(type, context) {
      throw .wrongType(file, field: context.codingPath.map(\.stringValue).joined(separator: "."), expected: "\(type)")
    } catch let DecodingError.valueNotFound(type, context) {
      throw .wrongType(file, field: context.codingPath.map(\.stringValue).joined(separator: "."), expected: "\(type)")
    } catch let DecodingError.dataCorrupted(context) {
      throw .wrongType(
        file, field: context.codingPath.map(\.stringValue).joined(separator: "."), expected: context.debugDescription)
    } catch {
      throw .invalidJSON(file, location: nil, reason: "\(error)")
    }
    if manifest.command.isEmpty { throw .emptyCommand(file) }
    if let handshake = manifest.handshake {
      if handshake.protocolVersions.isEmpty { throw .badHandshake(file, reason: "protocolVersions is empty") }
      if handshake.magicCookieKey.isEmpty || handshake.magicCookieValue.isEmpty {
        throw .badHandshake(file, reason: "magicCookieKey and magicCookieValue must not be empty")
      }
    }
    return manifest
  }

  private static func jsonErrorReason(_ context: DecodingError.Context) -> String {
    if let underlying = context.underlyingError as NSError?,
      let detail = underlying.userInfo["NSDebugDescription"] as? String
    {
      return detail
    }
    return context.debugDescription
  }

  /// Where and why `data` is not JSON, from JSONSerialization's "around character N" (as "line L, column C").
  static func syntaxError(in data: Data) -> (location: String?, reason: String)? {
    do {
      _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
      return nil
    } catch let error as NSError {
      let detail = error.userInfo["NSDebugDescription"] as? String ?? error.localizedDescription
      guard let range = detail.range(of: #"character \d+"#, options: .regularExpression),
        let offset = Int(detail[range].dropFirst("character ".count))
      else { return (nil, detail) }
      let prefix = data.prefix(offset)
      let line = prefix.filter { $0 == 0x0A }.count + 1
      let column = offset - (prefix.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) + 1
      return ("line \(line), column \(column)", detail)
    }
  }
}

/// Why a `plugin.json` cannot be used; each case names the file and what to change.
public enum PluginManifestError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file could not be read.
  case unreadable(String, reason: String)
  /// The file is not valid JSON.
  case invalidJSON(String, location: String?, reason: String)
  /// A required field is missing.
  case missingField(String, field: String)
  /// A field has the wrong type.
  case wrongType(String, field: String, expected: String)
  /// `command` is empty.
  case emptyCommand(String)
  /// `handshake` is unusable.
  case badHandshake(String, reason: String)

  /// What happened, where, and what to do.
  public var description: String {
    switch self {
    case .unreadable(let file, let reason):
      return
        "\(file): cannot read the manifest (\(reason)). Create it with `plugin-dev new`, or pass an executable instead of a folder."
    case .invalidJSON(let file, let location, let reason):
      return
        "\(file)\(location.map { ", \($0)" } ?? ""): not valid JSON (\(reason)). Fix the syntax (quotes, commas, braces)."
    case .missingField(let file, let field):
      return "\(file): the field \"\(field)\" is missing. A manifest needs at least {\"command\": [\"./my-plugin\"]}."
    case .wrongType(let file, let field, let expected):
      return "\(file): the field \"\(field)\" has the wrong type (expected \(expected)). "
        + "\"command\" and \"build\" are a string (shell) or an array of strings."
    case .emptyCommand(let file):
      return "\(file): \"command\" is empty. Give the command that starts the plugin, e.g. [\"./kv-plugin\"]."
    case .badHandshake(let file, let reason):
      return
        "\(file): \"handshake\" is unusable: \(reason). Example: {\"protocolVersions\": [1], \"magicCookieKey\": \"BASIC_PLUGIN\", \"magicCookieValue\": \"hello\"}."
    }
  }
}
