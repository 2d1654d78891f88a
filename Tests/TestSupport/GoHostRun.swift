import Foundation
import PluginHost

/// One run of the genuine go-plugin host (Tests/Fixtures/gohost) on a plugin command line: it
/// puts, gets and pings, then stops the plugin with `Kill()`.
public struct GoHostRun: Sendable {
  /// How the host ended (nil: killed after the limit).
  public var status: PluginProcess.ExitStatus?
  /// The host's stdout (its results, or its error).
  public var stdout: [String]
  /// The host's stderr (its hclog lines, the plugin's among them).
  public var stderr: [String]

  /// Everything, for a failed expectation.
  public var transcript: String {
    "exit: \(status.map { "\($0)" } ?? "none")\nstdout:\n\(stdout.joined(separator: "\n"))\nstderr:\n\(stderr.suffix(40).joined(separator: "\n"))"
  }

  /// Runs the host on `plugin` in a fresh store folder, as an AutoMTLS host when asked;
  /// `hostArguments` go before the plugin (`-loglevel info`, `-start-timeout 7s`); a host still
  /// running after `limit` is killed (status nil).
  public static func run(
    _ plugin: [String], autoMTLS: Bool = false, hostArguments: [String] = [], limit: Duration = .seconds(60)
  ) async throws -> GoHostRun {
    let host = try await GoToolchain.kvHost()
    let store = try Fixtures.temporaryDirectory("plugin-dev-gohost-store")
    defer { try? FileManager.default.removeItem(at: store) }
    let process = try await PluginProcess.start(
      .init(
        executable: host, arguments: (autoMTLS ? ["-automtls"] : []) + hostArguments + plugin,
        environment: ["KV_STORE_DIR": store.path]
      ))
    let output = OutputCollector(process: process)
    let status = await process.waitForExit(timeout: limit)
    if status == nil { await process.kill() }
    await output.finished()
    return GoHostRun(status: status, stdout: output.stdout, stderr: output.stderr)
  }
}
