/// The host machine's timers: a task per timer, sleeping until its instant. Setting a timer
/// again replaces it; a timer that fires after it was replaced or cancelled counts for nothing.
struct HostTimers {
  private var tasks: [HostMachine.Timer: (token: Int, task: Task<Void, Never>)] = [:]
  private var tokens = 0

  /// Sets `timer` for `instant`; `fire` gets the token `fired(_:token:)` checks.
  mutating func set(
    _ timer: HostMachine.Timer, at instant: ContinuousClock.Instant,
    fire: @escaping @Sendable (_ token: Int) async -> Void
  ) {
    tasks[timer]?.task.cancel()
    tokens += 1
    let token = tokens
    let task = Task {
      try? await Task.sleep(until: instant, clock: .continuous)
      guard !Task.isCancelled else { return }
      await fire(token)
    }
    tasks[timer] = (token, task)
  }

  /// Cancels `timer`.
  mutating func cancel(_ timer: HostMachine.Timer) {
    tasks.removeValue(forKey: timer)?.task.cancel()
  }

  /// Cancels every timer (a teardown).
  mutating func cancelAll() {
    for (_, entry) in tasks { entry.task.cancel() }
    tasks.removeAll()
  }

  /// Whether `token` is still `timer`'s (it then counts, and the timer is done).
  mutating func fired(_ timer: HostMachine.Timer, token: Int) -> Bool {
    guard tasks[timer]?.token == token else { return false }
    tasks[timer] = nil
    return true
  }
}

/// Who waits on the host core: `start()` callers for its decision, `stop()` and `finish()`
/// callers for everything to settle.
struct HostWaiters {
  private var decisions: [CheckedContinuation<Bool, Never>] = []
  private var settling: [CheckedContinuation<Void, Never>] = []
  /// The current start's decision (nil while undecided).
  private(set) var decided: Bool?

  /// A new start: undecided.
  mutating func undecide() { decided = nil }

  /// Waits for the decision (the caller checks `decided` first).
  mutating func awaitDecision(_ continuation: CheckedContinuation<Bool, Never>) {
    decisions.append(continuation)
  }

  /// Decides the current start (once) and wakes its waiters.
  mutating func decide(_ ok: Bool) {
    guard decided == nil else { return }
    decided = ok
    let waiting = decisions
    decisions.removeAll()
    for waiter in waiting { waiter.resume(returning: ok) }
  }

  /// Waits to settle (the caller checks that it has not).
  mutating func awaitSettling(_ continuation: CheckedContinuation<Void, Never>) {
    settling.append(continuation)
  }

  /// Settled: wakes whoever waits.
  mutating func settle() {
    let waiting = settling
    settling.removeAll()
    for waiter in waiting { waiter.resume() }
  }
}
