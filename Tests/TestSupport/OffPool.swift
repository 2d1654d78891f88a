import Foundation
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

/// Samples a process's peak resident set size every 50 ms on a thread of its own, until stopped.
public final class PeakSampler: Sendable {
  private final class State: Sendable {
    let values = Mutex((peak: 0, stopped: false))
  }
  private let state = State()

  /// Starts sampling the process `pid()` names (nil while it is not known yet).
  public init(pid: @escaping @Sendable () -> Int32?) {
    let thread = Thread { [state] in
      while !state.values.withLock({ $0.stopped }) {
        if let pid = pid(), let value = ProcessMemory.peakResident(pid) {
          state.values.withLock { $0.peak = max($0.peak, value) }
        }
        usleep(50_000)
      }
    }
    thread.start()
  }

  /// Stops sampling; the highest peak read (0 if none was).
  public func stop() -> Int {
    state.values.withLock {
      $0.stopped = true
      return $0.peak
    }
  }
}
