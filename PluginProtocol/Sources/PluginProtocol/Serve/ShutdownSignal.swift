import Synchronization

/// A one-shot signal that ends a plugin's long-lived streams (stdio, broker, health watch) and
/// its server when the host calls `GRPCController/Shutdown` or the process gets SIGTERM.
public final class ShutdownSignal: Sendable {
  private struct State {
    var triggered = false
    var reason: String?
    var waiters: [AsyncStream<Never>.Continuation] = []
  }
  private let state = Mutex(State())

  /// Creates an untriggered signal.
  public init() {}

  /// Fires the signal; later calls do nothing. `reason` is kept for logs.
  public func trigger(reason: String) {
    let waiters = state.withLock { s -> [AsyncStream<Never>.Continuation] in
      guard !s.triggered else { return [] }
      s.triggered = true
      s.reason = reason
      defer { s.waiters.removeAll() }
      return s.waiters
    }
    for waiter in waiters { waiter.finish() }
  }

  /// Whether the signal has fired.
  public var isTriggered: Bool { state.withLock { $0.triggered } }

  /// Why the signal fired.
  public var reason: String? { state.withLock { $0.reason } }

  /// Returns once the signal fires, or when the calling task is cancelled.
  public func wait() async {
    let (stream, continuation) = AsyncStream<Never>.makeStream()
    let alreadyTriggered = state.withLock { s -> Bool in
      if s.triggered { return true }
      s.waiters.append(continuation)
      return false
    }
    if alreadyTriggered { return }
    for await _ in stream {}
  }
}
