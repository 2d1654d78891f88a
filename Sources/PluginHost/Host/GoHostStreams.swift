import Foundation
import GRPCCore
import PluginProtocol
import SwiftProtobuf

/// The two streams a go-plugin host opens right after connecting (docs/protocol.md §5.7):
/// `plugin.GRPCBroker/StartStream` (a Go host ignores its refusal) and `plugin.GRPCStdio/StreamStdio`,
/// whose data goes to `onStdio`; `check`'s `broker.stream` and `stdio.stream` report their outcomes.
final class GoHostStreams: Sendable {
  /// Text for a user about a stream (UNIMPLEMENTED, a stdio stream ended with an error).
  typealias Note = @Sendable (String) async -> Void

  private struct State {
    var stdio: StreamOutcome?
    var bytes = 0
    var broker: StreamOutcome?
    var offers = 0
    var waiters: [CheckedContinuation<Void, Never>] = []

    /// Wakes whoever waits for an outcome.
    mutating func wake() -> [CheckedContinuation<Void, Never>] {
      defer { waiters.removeAll() }
      return waiters
    }
  }

  private let state = LockedValue(State())
  private let tasks = LockedValue<[Task<Void, Never>]>([])
  /// When the streams were opened.
  let openedAt = ContinuousClock.now

  /// Opens both streams on `connection`.
  init(
    _ connection: PluginConnection, onStdio: @escaping @Sendable (Plugin_StdioData) async -> Void, note: @escaping Note
  ) {
    let client = connection.client
    let broker = Task { [state] in
      let outcome: StreamOutcome?
      do {
        try await Plugin_GRPCBroker.Client(wrapping: client).startStream(requestProducer: { _ in
          try await Task.sleep(for: .seconds(86_400 * 365))
        }) { response in
          for try await _ in response.messages { state.withLock { $0.offers += 1 } }
        }
        outcome = .ended(bytes: state.withLock { $0.offers })
      } catch let error as RPCError where !Task.isCancelled {
        outcome = .failed(code: Status.Code(error.code), message: error.message)
        if error.code == .unimplemented {
          await note(
            "the plugin has no plugin.GRPCBroker (UNIMPLEMENTED); a Go host ignores this unless the plugin is bidirectional"
          )
        }
      } catch {
        outcome = nil
      }
      let waiters = state.withLock { s in
        if s.broker == nil { s.broker = outcome }
        return s.wake()
      }
      for waiter in waiters { waiter.resume() }
    }
    let stdio = Task { [state] in
      let outcome: StdioOutcome?
      do {
        try await Plugin_GRPCStdio.Client(wrapping: client).streamStdio(Google_Protobuf_Empty()) { response in
          for try await message in response.messages {
            state.withLock { $0.bytes += message.data.count }
            await onStdio(message)
          }
        }
        outcome = .ended(bytes: state.withLock { $0.bytes })
      } catch let error as RPCError where !Task.isCancelled {
        outcome = .failed(code: Status.Code(error.code), message: error.message)
        if error.code == .unimplemented {
          await note(
            "the plugin has no plugin.GRPCStdio (UNIMPLEMENTED); a Go host logs 'stdio service not available' or 'received EOF, stopping recv loop'"
          )
        } else {
          let limit = PluginConnection.maxStdioMessageBytes >> 20
          let tooBig = error.code == .resourceExhausted || error.message.contains("maximum payload size")
          await note(
            tooBig
              ? "plugin.GRPCStdio sent a message over \(limit) MiB; plugin-dev stopped reading the plugin's stdio (\(error.code): \(error.message))"
              : "plugin.GRPCStdio/StreamStdio ended: \(error.code): \(error.message)")
        }
      } catch {
        outcome = nil
      }
      let waiters = state.withLock { s in
        if s.stdio == nil { s.stdio = outcome }
        return s.wake()
      }
      for waiter in waiters { waiter.resume() }
    }
    tasks.withLock { $0 = [broker, stdio] }
  }

  /// The stdio stream's outcome, after giving a refusal until `settle` after opening to arrive.
  func stdioOutcome(settle: Duration = .milliseconds(250)) async -> StreamOutcome {
    await outcome(settle: settle) { $0.stdio } ?? state.withLock { $0.stdio ?? .open(bytes: $0.bytes) }
  }

  /// The broker stream's outcome, after giving a refusal until `settle` after opening to arrive.
  func brokerOutcome(settle: Duration = .milliseconds(250)) async -> StreamOutcome {
    await outcome(settle: settle) { $0.broker } ?? state.withLock { $0.broker ?? .open(bytes: $0.offers) }
  }

  /// `decided`'s outcome once it has one, or nil when `settle` after opening passed without one.
  private func outcome(settle: Duration, _ decided: @escaping @Sendable (State) -> StreamOutcome?) async
    -> StreamOutcome?
  {
    let ready = openedAt + settle
    let timer = Task { [state] in
      try? await Task.sleep(until: ready, clock: .continuous)
      for waiter in state.withLock({ $0.wake() }) { waiter.resume() }
    }
    defer { timer.cancel() }
    while true {
      let (found, passed) = state.withLock { (decided($0), ContinuousClock.now >= ready) }
      if found != nil || passed { return found }
      await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
        let done = state.withLock { s in
          if decided(s) != nil || ContinuousClock.now >= ready { return true }
          s.waiters.append(waiter)
          return false
        }
        if done { waiter.resume() }
      }
    }
  }

  /// Cancels both streams.
  func cancel() {
    for task in tasks.withLock({ $0 }) { task.cancel() }
  }
}
