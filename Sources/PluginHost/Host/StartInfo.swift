import Foundation

/// What was started, with which host environment.
public struct StartInfo: Sendable, Equatable, Codable {
  /// Process id (and process group).
  public var pid: Int32
  /// The command as text.
  public var command: String
  /// The go-plugin variables sent (cookie and `PLUGIN_*`), and the ones removed.
  public var environment: [String: String]
  /// Variables explicitly removed from the plugin's environment.
  public var removedEnvironment: [String]
  /// Working directory.
  public var workingDirectory: String
  /// Wall-clock start time.
  public var startedAt: Date
  /// Which start this is (1, then 2 after a restart, …).
  public var generation: Int
  /// How many other variables the plugin inherits from plugin-dev's environment (as go-plugin
  /// passes the host's environment on, unless `SkipHostEnv`).
  public var inheritedCount: Int
  /// The host profile acted as (`--host terraform`); nil: a generic go-plugin host.
  public var host: String?

  /// Creates a value.
  public init(
    pid: Int32, command: String, environment: [String: String], removedEnvironment: [String],
    workingDirectory: String, startedAt: Date, generation: Int, inheritedCount: Int = 0, host: String? = nil
  ) {
    self.host = host
    self.inheritedCount = inheritedCount
    self.pid = pid
    self.command = command
    self.environment = environment
    self.removedEnvironment = removedEnvironment
    self.workingDirectory = workingDirectory
    self.startedAt = startedAt
    self.generation = generation
  }

  private enum CodingKeys: String, CodingKey {
    case pid, command, environment, removedEnvironment, workingDirectory, startedAt, generation, inheritedCount, host
  }

  /// Decodes a value; `inheritedCount` and `host` may be missing (recordings made before they existed).
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    pid = try container.decode(Int32.self, forKey: .pid)
    command = try container.decode(String.self, forKey: .command)
    environment = try container.decode([String: String].self, forKey: .environment)
    removedEnvironment = try container.decode([String].self, forKey: .removedEnvironment)
    workingDirectory = try container.decode(String.self, forKey: .workingDirectory)
    startedAt = try container.decode(Date.self, forKey: .startedAt)
    generation = try container.decode(Int.self, forKey: .generation)
    inheritedCount = try container.decodeIfPresent(Int.self, forKey: .inheritedCount) ?? 0
    host = try container.decodeIfPresent(String.self, forKey: .host)
  }
}
