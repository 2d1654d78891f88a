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

/// Reads every event of a process into memory; hands out the first stdout line when it comes,
/// and any line a test waits for (`line(_:within:where:)`) as it comes.
public final class OutputCollector: Sendable {
  /// Which output a waited-for line is on.
  public enum Stream: Sendable {
    case stdout, stderr
  }

  private struct Waiter {
    let stream: Stream
    let condition: @Sendable (String) -> Bool
    let continuation: CheckedContinuation<String?, Never>
  }

  private struct Lines {
    var stdout: [String] = []
    var stderr: [String] = []
    var exit: PluginProcess.ExitStatus?
    /// Every event has been read (the process ended).
    var ended = false
    var waiters: [Int: Waiter] = [:]
    var cancelled: Set<Int> = []
    var nextWaiter = 0

    func first(_ stream: Stream, where condition: (String) -> Bool) -> String? {
      (stream == .stdout ? stdout : stderr).first(where: condition)
    }
  }

  private final class State: Sendable {
    let lines = Mutex(Lines())
    func withLock<R>(_ body: (inout Lines) -> R) -> R { lines.withLock { body(&$0) } }
  }

  private let state = State()
  private let firstLine: AsyncStream<String?>
  private let task: Task<Void, Never>

  /// Starts consuming `process.events`.
  public init(process: PluginProcess) {
    let (stream, continuation) = AsyncStream<String?>.makeStream()
    firstLine = stream
    let state = self.state
    @Sendable func add(_ text: String, to stream: Stream) {
      let woken = state.withLock { lines -> [(CheckedContinuation<String?, Never>)] in
        if stream == .stdout { lines.stdout.append(text) } else { lines.stderr.append(text) }
        let matching = lines.waiters.filter { $0.value.stream == stream && $0.value.condition(text) }
        for id in matching.keys { lines.waiters[id] = nil }
        return matching.values.map(\.continuation)
      }
      for waiter in woken { waiter.resume(returning: text) }
    }
    task = Task {
      var sentFirst = false
      for await event in process.events {
        switch event {
        case .line(.stdout, let line, _):
          add(line.text, to: .stdout)
          if !sentFirst {
            sentFirst = true
            continuation.yield(line.text)
          }
        case .line(.stderr, let line, _):
          add(line.text, to: .stderr)
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
      let left = state.withLock { lines -> [Waiter] in
        lines.ended = true
        defer { lines.waiters.removeAll() }
        return Array(lines.waiters.values)
      }
      for waiter in left { waiter.continuation.resume(returning: nil) }
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

  /// The first line on `stream` that satisfies `condition`: at once if one came already, else
  /// when it comes. Nil when the output ends (the process exited) without one; throws
  /// `TimeoutError` when none came within `seconds` (generous by default: a loaded CI machine).
  public func line(
    _ stream: Stream = .stdout, within seconds: Double = 60, where condition: @escaping @Sendable (String) -> Bool
  ) async throws -> String? {
    let state = self.state
    let id = state.withLock { lines -> Int in
      lines.nextWaiter += 1
      return lines.nextWaiter
    }
    return try await withTimeout(seconds, "a \(stream) line awaited") {
      await withTaskCancellationHandler {
        await withCheckedContinuation { continuation in
          let now = state.withLock { lines -> String?? in
            if let found = lines.first(stream, where: condition) { return .some(found) }
            if lines.ended || lines.cancelled.contains(id) { return .some(nil) }
            lines.waiters[id] = Waiter(stream: stream, condition: condition, continuation: continuation)
            return .none
          }
          if let now { continuation.resume(returning: now) }
        }
      } onCancel: {
        let waiter = state.withLock { lines -> Waiter? in
          lines.cancelled.insert(id)
          return lines.waiters.removeValue(forKey: id)
        }
        waiter?.continuation.resume(returning: nil)
      }
    }
  }

  /// The first stdout line containing `text` (see `line(_:within:where:)`).
  public func line(containing text: String, within seconds: Double = 60) async throws -> String? {
    try await line(within: seconds) { $0.contains(text) }
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
