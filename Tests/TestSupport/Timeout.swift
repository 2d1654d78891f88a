import Foundation

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

/// The wait every suite uses for something it cannot await directly (a file written, a process
/// gone, a count reached): polls `condition` until it holds and returns; throws `TimeoutError`
/// (saying `what`, evaluated then) only when it has not held after `seconds`. Make `seconds`
/// generous: CI is a loaded 2-core machine running suites in parallel, and a wait that holds
/// returns as soon as it holds. Prefer awaiting the event itself where one exists
/// (`PluginProcess.waitForExit(timeout:)`, `OutputCollector.line(_:within:where:)`).
public func waitUntil(
  _ seconds: Double, _ what: @autoclosure () -> String, every interval: Duration = .milliseconds(20),
  _ condition: () async throws -> Bool
) async throws {
  _ = try await waitFor(seconds, what(), every: interval) { try await condition() ? () : nil }
}

/// Like `waitUntil`, for a value: polls `produce` until it gives one and returns it.
public func waitFor<T>(
  _ seconds: Double, _ what: @autoclosure () -> String, every interval: Duration = .milliseconds(20),
  _ produce: () async throws -> T?
) async throws -> T {
  let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
  while true {
    if let value = try await produce() { return value }
    if ContinuousClock.now > deadline { throw TimeoutError(seconds: seconds, what: what()) }
    try await Task.sleep(for: interval)
  }
}
