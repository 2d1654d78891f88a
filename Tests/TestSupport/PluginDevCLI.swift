import Foundation
import PluginHost

/// Runs the real `plugin-dev` binary as a user would, and reads what it prints.
public enum PluginDevCLI {
  /// What one run printed and how it ended.
  public struct Result: Sendable {
    /// Exit status.
    public var status: PluginProcess.ExitStatus?
    /// stdout lines.
    public var stdout: [String]
    /// stderr lines.
    public var stderr: [String]

    /// Creates a result.
    public init(status: PluginProcess.ExitStatus?, stdout: [String], stderr: [String]) {
      self.status = status
      self.stdout = stdout
      self.stderr = stderr
    }

    /// stdout lines parsed as JSON objects (headless `--json`).
    public var events: [[String: Any]] {
      stdout.compactMap { line in
        (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
      }
    }

    /// Events named `name`.
    public func events(_ name: String) -> [[String: Any]] {
      events.filter { $0["event"] as? String == name }
    }

    /// Everything printed, for failure messages.
    public var transcript: String {
      "status: \(String(describing: status))\n--- stdout\n" + stdout.joined(separator: "\n") + "\n--- stderr\n"
        + stderr.joined(separator: "\n")
    }
  }

  /// The built binary.
  public static var executable: String { Fixtures.executable("plugin-dev") }

  /// Runs `plugin-dev ARGUMENTS…` to completion (killed after `timeout`).
  public static func run(
    _ arguments: [String], environment: [String: String] = [:], removedEnvironment: [String] = [],
    workingDirectory: URL? = nil, timeout: Duration = .seconds(60)
  ) async throws -> Result {
    let process = try await start(
      arguments, environment: environment, removedEnvironment: removedEnvironment, workingDirectory: workingDirectory)
    let output = OutputCollector(process: process)
    var status = await process.waitForExit(timeout: timeout)
    if status == nil {
      await process.kill()
      status = nil
    }
    await output.finished()
    return Result(status: status, stdout: output.stdout, stderr: output.stderr)
  }

  /// Starts `plugin-dev ARGUMENTS…` and returns the running process.
  public static func start(
    _ arguments: [String], environment: [String: String] = [:], removedEnvironment: [String] = [],
    workingDirectory: URL? = nil
  ) async throws -> PluginProcess {
    try await PluginProcess.start(
      PluginProcess.Launch(
        executable: executable, arguments: arguments, environment: environment, removedEnvironment: removedEnvironment,
        workingDirectory: workingDirectory?.path, maxLineLength: 16 * 1024 * 1024))
  }

  /// The path of a fixture plugin under Tests/Fixtures/plugins.
  public static func fixture(_ name: String) -> String {
    Fixtures.packageRoot.appendingPathComponent("Tests/Fixtures/plugins/\(name)").path
  }

  /// Whether a process with this pid exists (and is not a zombie).
  public static func isAlive(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
    guard let close = stat.lastIndex(of: ")") else { return false }
    let state = stat[stat.index(close, offsetBy: 2)]
    return state != "Z" && state != "X"
  }
}
