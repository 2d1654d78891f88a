import GRPCCore
import Testing

@testable import PluginProtocol

/// The hard deadline, with its timer on an event loop (`EventLoopExecutor`, as plugin-dev's
/// client calls) and as a sleeping task (no executor).
@Suite("RPCDeadline")
struct RPCDeadlineTests {
  static let executors: [EventLoopExecutor?] = [EventLoopExecutor(), nil]

  @Test(arguments: executors)
  func aCallThatNeverAnswersGetsDeadlineExceeded(executor: EventLoopExecutor?) async throws {
    let clock = ContinuousClock()
    let start = clock.now
    do {
      _ = try await RPCDeadline.run(.milliseconds(50), on: executor) { () async throws -> Int in
        // Ignores cancellation, as a call stuck on a connection that never sends SETTINGS does.
        try? await Task.sleep(for: .seconds(30))
        return 1
      }
      Issue.record("the call returned")
    } catch let error as RPCError {
      #expect(error.code == .deadlineExceeded)
      #expect(error.message == "no answer within 0.05 seconds")
    }
    let waited = clock.now - start
    #expect(waited >= .milliseconds(50) + RPCDeadline.grace)
    #expect(waited < .seconds(20))
  }

  @Test(arguments: executors)
  func answersBeforeTheDeadlineAreReturned(executor: EventLoopExecutor?) async throws {
    for value in 0..<200 {
      let answer = try await RPCDeadline.run(.seconds(5), on: executor) { value }
      #expect(answer == value)
    }
  }

  @Test(arguments: executors)
  func aFailureComesBackAsItIs(executor: EventLoopExecutor?) async throws {
    do {
      _ = try await RPCDeadline.run(.seconds(5), on: executor) { () async throws -> Int in
        throw RPCError(code: .notFound, message: "no such key")
      }
      Issue.record("the call returned")
    } catch let error as RPCError {
      #expect(error.code == .notFound)
      #expect(error.message == "no such key")
    }
  }
}
