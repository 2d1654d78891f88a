import Foundation
import PluginHost

/// The first line of a plugin-dev log (`run --export`, `wrap --log`, the console's `export`):
/// which schema, who wrote it, and which host and plugin it shows.
public struct RecordingHeader: Sendable, Equatable, Codable {
  /// The value of `format`.
  public static let formatName = "plugin-dev-log"
  /// The schema version this plugin-dev writes and reads.
  public static let currentVersion = 2

  /// Always `plugin-dev-log`.
  public var format: String
  /// The schema version.
  public var version: Int
  /// What wrote it: `run`, `run (console export)` or `wrap`.
  public var writer: String
  /// The writing plugin-dev's pid (a log whose writer is gone is not followed further).
  public var pid: Int32
  /// The host: plugin-dev itself for `run`, the real host (wrap's parent) for `wrap`.
  public var hostPid: Int32?
  /// The host's command line, when known (`/proc/PID/cmdline`).
  public var hostCommand: String?
  /// The plugin's name as people know it (the plugin folder's name for `run`).
  public var plugin: String
  /// The plugin's command line.
  public var command: [String]
  /// Whether AutoMTLS was on.
  public var autoMTLS: Bool
  /// When the log was started.
  public var time: Date

  /// Creates a header for the current version.
  public init(
    writer: String, pid: Int32 = ProcessInfo.processInfo.processIdentifier, hostPid: Int32? = nil,
    hostCommand: String? = nil, plugin: String? = nil, command: [String], autoMTLS: Bool, time: Date = Date()
  ) {
    self.plugin = plugin ?? Self.pluginName(command: command)
    self.format = Self.formatName
    self.version = Self.currentVersion
    self.writer = writer
    self.pid = pid
    self.hostPid = hostPid
    self.hostCommand = hostCommand
    self.command = command
    self.autoMTLS = autoMTLS
    self.time = time
  }

  /// A name for the plugin of `command`: the program's file name, or the script's when the
  /// program is an interpreter (`python3 plugin.py` → `plugin.py`).
  public static func pluginName(command: [String]) -> String {
    guard let program = command.first else { return "plugin" }
    let name = URL(fileURLWithPath: program).lastPathComponent
    let interpreters = ["python", "python3", "sh", "bash", "node", "ruby", "perl", "env", "go", "swift"]
    if interpreters.contains(name) || name.hasPrefix("python3."),
      let script = command.dropFirst().first(where: { !$0.hasPrefix("-") && $0 != "run" })
    {
      return URL(fileURLWithPath: script).lastPathComponent
    }
    return name
  }

  /// The command line of process `pid` (arguments joined by spaces), or nil when unreadable.
  public static func commandLine(ofProcess pid: Int32) -> String? {
    guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return nil }
    return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
  }
}
