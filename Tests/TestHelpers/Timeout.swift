/// Thrown when a bounded test step takes too long.
public struct TimeoutError: Error, CustomStringConvertible {
  public var seconds: Double
  public var what: String
  public var description: String { "\(what) did not finish within \(seconds) s" }
}

/// Runs `body`, failing with `TimeoutError` after `seconds` (the body is cancelled).
public func withTimeout<T: Sendable>(
  _ seconds: Double, _ what: String = "operation", _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
  try await withThrowingTaskGroup(of: T.self) { group in
    group.addTask { try await body() }
    group.addTask {
      try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
      throw TimeoutError(seconds: seconds, what: what)
    }
    defer { group.cancelAll() }
    guard let result = try await group.next() else { throw TimeoutError(seconds: seconds, what: what) }
    return result
  }
}

/// Polls `condition` until it holds, failing after `seconds`.
public func waitUntil(_ seconds: Double, _ what: String, _ condition: @escaping @Sendable () -> Bool) async throws {
  let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
  while !condition() {
    if ContinuousClock.now > deadline { throw TimeoutError(seconds: seconds, what: what) }
    try await Task.sleep(for: .milliseconds(5))
  }
}
