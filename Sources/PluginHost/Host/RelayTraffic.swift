import Capture
import Foundation
import Relay
import Traffic
import WireTap

/// The traffic of one relay (one start of the plugin): chunks and connection events leave the
/// event loop through a queue, in the order the relay reported them, to one task that decodes
/// them into frame records and records them in the session's capture, what is pending at a time.
///
/// At the stop the stream is ended and drained (within a deadline), so the frame log and the
/// capture both hold the last frames (the Shutdown call, GOAWAY) and agree with each other.
package final class RelayTraffic: Sendable {
  /// What the stream carries: the relay's events, and markers that say when all before them is handled.
  private enum Item: Sendable {
    case event(CaptureEvent)
    case marker(Int)
  }

  /// Waiters for markers not reached yet; all are resumed when the task ends.
  private struct Waiters: Sendable {
    var next = 0
    var waiting: [Int: CheckedContinuation<Void, Never>] = [:]
    var ended = false
  }

  /// Items reported and not taken yet, and whether the task was woken for them.
  private struct Pending: Sendable {
    var items: [Item] = []
    var woken = false
  }

  private let continuation: AsyncStream<Void>.Continuation
  private let pending: LockedValue<Pending>
  private let task: Task<Void, Never>
  private let waiters: LockedValue<Waiters>

  /// Starts the task; `observe` hears the frames, decoded with `schemas` first, then the built-in
  /// types, and `batchEnded` when it has heard what was pending; with `decodes` false nothing is
  /// decoded (the traffic only goes to `capture`).
  ///
  /// `coalescing`: how long the task waits after a wake-up before it takes what is pending. It
  /// then handles that time's traffic at once instead of waking for every chunk, which on a busy
  /// machine takes the CPU from the calls being relayed (`wrap --log`: 2 ms); zero for `run`,
  /// whose frames are shown as they come.
  package init(
    capture: TrafficCapture?, schemas: SchemaStore? = nil, decodes: Bool = true, coalescing: Duration = .zero,
    batchEnded: (@Sendable () -> Void)? = nil, observe: @escaping @Sendable (HostEvent) -> Void
  ) {
    let (wakes, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    let waiters = LockedValue(Waiters())
    let pending = LockedValue(Pending())
    self.continuation = continuation
    self.pending = pending
    self.waiters = waiters
    task = Task {
      var decoder = RelayDecoder(registry: MessageRegistry.goPlugin, schemas: schemas)
      func handle(_ items: [Item]) {
        for item in items {
          switch item {
          case .marker(let id):
            waiters.withLock { $0.waiting.removeValue(forKey: id) }?.resume()
          case .event(let event):
            capture?.record(event)
            guard decodes else { continue }
            for record in Self.decode(event, with: &decoder) { observe(.frame(record)) }
          }
        }
        batchEnded?()
      }
      func take() -> [Item] {
        pending.withLock { pending in
          pending.woken = false
          let items = pending.items
          pending.items = []
          return items
        }
      }
      for await _ in wakes {
        if coalescing > .zero, !Task.isCancelled { try? await Task.sleep(for: coalescing) }
        handle(take())
      }
      if !Task.isCancelled { handle(take()) }
      let left = waiters.withLock { waiters in
        waiters.ended = true
        defer { waiters.waiting.removeAll() }
        return Array(waiters.waiting.values)
      }
      for waiter in left { waiter.resume() }
    }
  }

  private static func decode(_ event: CaptureEvent, with decoder: inout RelayDecoder) -> [FrameRecord] {
    switch event {
    case .bytes(let connection, let direction, let bytes, let time):
      decoder.feed(.bytes(connection: connection, direction: direction, bytes: bytes, time: time))
    case .closed(let connection, _):
      decoder.feed(.closed(connection: connection))
    case .opened:
      []
    }
  }

  /// A chunk the relay forwards. Called on the event loop: it only enqueues.
  package func bytes(_ connection: Int, _ direction: Direction, _ chunk: [UInt8]) {
    let event = CaptureEvent.bytes(
      connection: connection, direction: direction, bytes: chunk, at: Date())
    push(.event(event))
  }

  /// Queues an item for the task, waking it unless it was woken already.
  private func push(_ item: Item) {
    let wake = pending.withLock { pending in
      pending.items.append(item)
      defer { pending.woken = true }
      return !pending.woken
    }
    if wake { continuation.yield() }
  }

  /// A connection event of the relay (opened and closed matter; a failed dial never opened).
  package func event(_ event: TapProxy.ConnectionEvent) {
    switch event {
    case .opened(let id): push(.event(.opened(connection: id, at: Date())))
    case .closed(let id): push(.event(.closed(connection: id, at: Date())))
    case .failed, .error: break
    }
  }

  /// Returns once everything the relay reported before the call is decoded and recorded (at
  /// once when the task has ended).
  package func caughtUp() async {
    await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
      let id: Int? = waiters.withLock { waiters in
        guard !waiters.ended else { return nil }
        waiters.next += 1
        waiters.waiting[waiters.next] = waiter
        return waiters.next
      }
      guard let id else { return waiter.resume() }
      // When the stream has ended already, the task resumes every waiter left as it finishes.
      push(.marker(id))
    }
  }

  /// Ends the stream and waits, at most `limit`, for everything fed to be decoded and recorded;
  /// false when the wait was cut short (the rest is dropped).
  package func drain(within limit: Duration) async -> Bool {
    continuation.finish()
    await HostCore.first(task, within: limit)
    return !task.isCancelled
  }

  /// Ends the stream and the task at once, dropping what was not handled yet.
  package func cancel() {
    continuation.finish()
    task.cancel()
  }
}
