import Synchronization

/// Back-pressure between a process's output readers and whoever consumes its events.
///
/// The readers add the bytes of each line they pass on and wait while more than `limit` bytes
/// are unread; the consumer removes them as it takes the lines. A plugin that writes faster than
/// plugin-dev can look at its output is slowed down by its full pipe, as under a go-plugin host,
/// instead of making plugin-dev hold everything (issue #17 item 5).
final class OutputWindow: Sendable {
  private struct State {
    var pending = 0
    var isOpen = false
    var waiters: [CheckedContinuation<Void, Never>] = []
  }
  private let state = Mutex(State())
  /// Unread bytes allowed before the readers wait.
  let limit: Int

  init(limit: Int = 4 << 20) {
    self.limit = limit
  }

  /// Counts `bytes` passed on; waits while more than `limit` are unread.
  func add(_ bytes: Int) async {
    let over = state.withLock { state -> Bool in
      state.pending += bytes
      return !state.isOpen && state.pending > limit
    }
    guard over else { return }
    await withCheckedContinuation { continuation in
      let waiting = state.withLock { state -> Bool in
        guard !state.isOpen, state.pending > limit else { return false }
        state.waiters.append(continuation)
        return true
      }
      if !waiting { continuation.resume() }
    }
  }

  /// Counts `bytes` taken by the consumer; lets the readers go on once half the window is free.
  func remove(_ bytes: Int) {
    let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
      state.pending -= bytes
      guard state.pending <= limit / 2 else { return [] }
      defer { state.waiters.removeAll() }
      return state.waiters
    }
    for waiter in ready { waiter.resume() }
  }

  /// The consumer stopped reading: the readers go on without waiting from now on (they must
  /// reach end of file for the process's exit to be seen).
  func open() {
    let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
      state.isOpen = true
      defer { state.waiters.removeAll() }
      return state.waiters
    }
    for waiter in ready { waiter.resume() }
  }
}
