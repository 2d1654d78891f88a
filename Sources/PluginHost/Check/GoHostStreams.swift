import Foundation
import GRPCCore
import PluginProtocol
import SwiftProtobuf

/// The two streams a go-plugin host opens right after connecting (reference §5.7):
/// `plugin.GRPCBroker/StartStream` (its outcome is ignored, as a Go host ignores it) and
/// `plugin.GRPCStdio/StreamStdio`, whose outcome `stdio.stream` reports.
final class GoHostStreams: Sendable {
  private struct State {
    var stdio: ServiceChecks.StdioOutcome?
    var bytes = 0
  }

  private let state = LockedValue(State())
  private let tasks = LockedValue<[Task<Void, Never>]>([])
  /// When the streams were opened.
  let openedAt = ContinuousClock.now

  /// Opens both streams on `connection`.
  init(_ connection: PluginConnection) {
    let client = connection.client
    let state = self.state
    let broker = Task {
      do {
        try await Plugin_GRPCBroker.Client(wrapping: client).startStream(requestProducer: { _ in
          try await Task.sleep(for: .seconds(86_400))
        }) { response in
          for try await _ in response.messages {}
        }
      } catch {}
    }
    let stdio = Task {
      do {
        try await Plugin_GRPCStdio.Client(wrapping: client).streamStdio(Google_Protobuf_Empty()) { response in
          for try await message in response.messages {
            state.withLock { $0.bytes += message.data.count }
          }
        }
        state.withLock { $0.stdio = .ended(bytes: $0.bytes) }
      } catch let error as RPCError {
        guard !Task.isCancelled else { return }
        state.withLock { $0.stdio = .failed(code: Status.Code(error.code), message: error.message) }
      } catch {}
    }
    tasks.withLock { $0 = [broker, stdio] }
  }

  /// The stdio stream's outcome, after giving a refusal at least `settle` since opening to arrive.
  func stdioOutcome(settle: Duration = .milliseconds(250)) async -> ServiceChecks.StdioOutcome {
    let ready = openedAt + settle
    while ContinuousClock.now < ready, state.value.stdio == nil {
      try? await Task.sleep(for: .milliseconds(10))
    }
    return state.withLock { $0.stdio ?? .open(bytes: $0.bytes) }
  }

  /// Cancels both streams.
  func cancel() {
    for task in tasks.value { task.cancel() }
  }
}
