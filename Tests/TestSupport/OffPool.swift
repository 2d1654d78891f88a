import Foundation
import PluginHost
import Synchronization

/// Blocking work on a thread of its own, so it never holds one of the few threads that every
/// test's async code shares (2 on a 2-core CI machine).
public enum OffPool {
  /// Runs `body` on a new thread and returns its result.
  public static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
      let thread = Thread { continuation.resume(returning: body()) }
      thread.start()
    }
  }
}

/// Samples a process's peak resident set size (VmHWM) every 50 ms from a small shell loop of
/// its own, so the sampling never waits for the test process's busy threads.
public final class PeakSampler: Sendable {
  private let sampler: PluginProcess
  private let output: OutputCollector

  /// Samples process `pid`, or with `children`, every child of `pid` (e.g. plugin-dev under `sh -c`).
  public init(pid: Int32, children: Bool = false) async throws {
    let targets = children ? "$(cat /proc/\(pid)/task/\(pid)/children 2>/dev/null)" : "\(pid)"
    let script = """
      while kill -0 \(pid) 2>/dev/null; do
        for p in \(targets); do sed -n 's/^VmHWM:[^0-9]*\\([0-9]*\\) kB$/\\1/p' /proc/$p/status 2>/dev/null; done
        sleep 0.05
      done
      """
    sampler = try await PluginProcess.start(.init(executable: "/bin/sh", arguments: ["-c", script]))
    output = OutputCollector(process: sampler)
  }

  /// Waits for the sampled process to end (or stops sampling); the highest peak read, in bytes (0 if none was).
  public func stop() async -> Int {
    if await sampler.waitForExit(timeout: .seconds(1)) == nil { await sampler.kill() }
    await output.finished()
    return (output.stdout.compactMap { Int($0) }.max() ?? 0) * 1024
  }
}
