import Foundation
import PluginHost
import PluginProtocol
import Synchronization

/// A plugin started for a test the way a go-plugin host starts it, with its handshake read and
/// its output collected for the rest of its life.
public final class RunningPlugin: Sendable {
  /// The process.
  public let process: PluginProcess
  /// The parsed first stdout line.
  public let handshake: HandshakeLine
  private let output: OutputCollector

  /// Why a test plugin did not come up.
  public struct StartError: Error, CustomStringConvertible {
    /// What happened, with the plugin's stderr.
    public var description: String
  }

  private init(process: PluginProcess, handshake: HandshakeLine, output: OutputCollector) {
    self.process = process
    self.handshake = handshake
    self.output = output
  }

  /// The host environment of go-plugin's KV example, with changes.
  public static func hostEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
    PluginEnvironment.host(config: .kvExample).variables.merging(extra) { _, new in new }
  }

  /// Starts `launch` with `environment` (default: the KV example host's) and reads the handshake.
  public static func start(
    _ launch: PluginProcess.Launch, workingDirectory: URL? = nil,
    environment: [String: String] = hostEnvironment(), removedEnvironment: [String] = [],
    timeout: Duration = .seconds(30)
  ) async throws -> RunningPlugin {
    var launch = launch
    launch.environment.merge(environment) { _, new in new }
    launch.removedEnvironment += removedEnvironment
    if let workingDirectory { launch.workingDirectory = workingDirectory.path }
    let process = try await PluginProcess.start(launch)
    let output = OutputCollector(process: process)
    guard let first = await output.firstStdoutLine(timeout: timeout) else {
      await process.kill()
      throw StartError(description: "no handshake within \(timeout); stderr:\n\(output.stderr.joined(separator: "\n"))")
    }
    do {
      return RunningPlugin(process: process, handshake: try HandshakeLine.parse(first), output: output)
    } catch {
      await process.kill()
      throw StartError(
        description:
          "bad handshake \(first.debugDescription): \(error)\nstderr:\n\(output.stderr.joined(separator: "\n"))")
    }
  }

  /// Every stderr line so far.
  public var stderr: [String] { output.stderr }

  /// stdout lines after the handshake.
  public var strayStdout: [String] { Array(output.stdout.dropFirst()) }

  /// A gRPC connection to the plugin's announced address.
  public func connect() throws -> PluginConnection { try PluginConnection(line: handshake) }

  /// SIGKILLs the plugin's process group (for cleanup) and waits.
  public func kill() async { await process.kill() }
}

/// Reads every event of a process into memory; hands out the first stdout line when it comes.
public final class OutputCollector: Sendable {
  private final class State: Sendable {
    let lines = Mutex<(stdout: [String], stderr: [String], exit: PluginProcess.ExitStatus?)>(([], [], nil))
    func withLock<R>(_ body: (inout (stdout: [String], stderr: [String], exit: PluginProcess.ExitStatus?)) -> R) -> R {
      lines.withLock { body(&$0) }
    }
  }
  private let state = State()
  private let firstLine: AsyncStream<String?>
  private let task: Task<Void, Never>

  /// Starts consuming `process.events`.
  public init(process: PluginProcess) {
    let (stream, continuation) = AsyncStream<String?>.makeStream()
    firstLine = stream
    let state = self.state
    task = Task {
      var sentFirst = false
      for await event in process.events {
        switch event {
        case .line(.stdout, let line, _):
          state.withLock { $0.stdout.append(line.text) }
          if !sentFirst {
            sentFirst = true
            continuation.yield(line.text)
          }
        case .line(.stderr, let line, _):
          state.withLock { $0.stderr.append(line.text) }
        case .closed(.stdout, _):
          if !sentFirst {
            sentFirst = true
            continuation.yield(nil)
          }
        case .closed:
          break
        case .exited(let status, _):
          state.withLock { $0.exit = status }
        }
      }
      continuation.finish()
    }
  }

  /// The first stdout line, or nil on EOF or timeout.
  public func firstStdoutLine(timeout: Duration) async -> String? {
    let stream = firstLine
    return await withTaskGroup(of: String?.self) { group in
      group.addTask {
        for await line in stream { return line }
        return nil
      }
      group.addTask {
        try? await Task.sleep(for: timeout)
        return nil
      }
      let first = await group.next() ?? nil
      group.cancelAll()
      return first
    }
  }

  /// Waits until the process's output is fully read.
  public func finished() async { await task.value }

  /// stdout lines so far.
  public var stdout: [String] { state.withLock { $0.stdout } }
  /// stderr lines so far.
  public var stderr: [String] { state.withLock { $0.stderr } }
  /// The exit status once seen.
  public var exitStatus: PluginProcess.ExitStatus? { state.withLock { $0.exit } }
}
