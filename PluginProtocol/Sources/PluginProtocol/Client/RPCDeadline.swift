import GRPCCore
import Synchronization

/// A deadline that fires whatever the call does.
///
/// grpc-swift cancels a call at its deadline but then waits for it to finish; a call stuck on a
/// connection where the plugin never sends HTTP/2 SETTINGS never finishes, so the caller would
/// wait forever (issue #17 item 1). Here the call runs in its own task and the caller gets
/// `deadlineExceeded` at `timeout` plus a short grace (grpc-swift's own error comes first when
/// the call honours it); the abandoned call ends when its connection is closed.
public enum RPCDeadline {
  /// How long after `timeout` the hard deadline fires, so grpc-swift's own deadline wins when it works.
  public static let grace: Duration = .milliseconds(300)

  /// Runs `call`, returning or throwing its outcome, or `RPCError(.deadlineExceeded)` once
  /// `timeout` (plus `grace`) has passed; nil runs the call as it is. The call runs with
  /// `executor` as its task executor preference (`EventLoopExecutor`), nil for none.
  public static func run<Value: Sendable>(
    _ timeout: Duration?, on executor: (any TaskExecutor)? = nil,
    _ call: @escaping @Sendable () async throws -> Value
  ) async throws -> Value {
    guard let timeout else { return try await withTaskExecutorPreference(executor) { try await call() } }
    let outcome = Outcome<Value>()
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { continuation in
        let work = Task(executorPreference: executor) {
          do {
            outcome.settle(.success(try await call()))
          } catch {
            outcome.settle(.failure(error))
          }
        }
        let timer = Task {
          try? await Task.sleep(for: timeout + grace)
          outcome.settle(.failure(RPCError(code: .deadlineExceeded, message: "no answer within \(timeout)")))
        }
        // Whichever way it ends (answer, deadline, the caller cancelled), nothing is left running.
        outcome.wait(continuation) {
          timer.cancel()
          work.cancel()
        }
      }
    } onCancel: {
      outcome.settle(.failure(CancellationError()))
    }
  }

  /// The first result wins; it is handed to the waiting continuation exactly once.
  private final class Outcome<Value: Sendable>: Sendable {
    private struct State {
      var result: Result<Value, any Error>?
      var continuation: CheckedContinuation<Value, any Error>?
      var onSettle: (@Sendable () -> Void)?
    }
    private let state = Mutex(State())

    /// Registers the continuation (resumed at once when a result is already there).
    func wait(_ continuation: CheckedContinuation<Value, any Error>, onSettle: @escaping @Sendable () -> Void) {
      let ready = state.withLock { s -> Result<Value, any Error>? in
        if let result = s.result { return result }
        s.continuation = continuation
        s.onSettle = onSettle
        return nil
      }
      if let ready {
        onSettle()
        continuation.resume(with: ready)
      }
    }

    /// Records `result` when it is the first; true when it was.
    @discardableResult
    func settle(_ result: Result<Value, any Error>) -> Bool {
      let (first, continuation, onSettle) = state.withLock {
        s -> (Bool, CheckedContinuation<Value, any Error>?, (@Sendable () -> Void)?) in
        guard s.result == nil else { return (false, nil, nil) }
        s.result = result
        defer {
          s.continuation = nil
          s.onSettle = nil
        }
        return (true, s.continuation, s.onSettle)
      }
      onSettle?()
      continuation?.resume(with: result)
      return first
    }
  }
}
