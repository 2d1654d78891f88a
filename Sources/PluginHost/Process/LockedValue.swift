import Synchronization

/// A value behind a lock that closures and tasks can share (a `Mutex` cannot be captured).
package final class LockedValue<Value: Sendable>: Sendable {
  private let mutex: Mutex<Value>

  /// Creates the box.
  package init(_ value: Value) {
    mutex = Mutex(value)
  }

  /// Runs `body` with the value locked.
  package func withLock<Result>(_ body: (inout sending Value) -> sending Result) -> sending Result {
    mutex.withLock(body)
  }

  /// The current value.
  package var value: Value { mutex.withLock { $0 } }
}
