import Foundation
import PluginHost
import Synchronization

/// An event with the time it happened (when it was queued, not when a reader got it).
public struct TimedEvent: Sendable {
  /// The event.
  public var event: SessionEvent
  /// When it was queued.
  public var time: Date
}

/// The session's events, in order, held within a byte budget.
///
/// A reader slower than the plugin (a piped `run --headless`, a busy terminal) must not make
/// plugin-dev grow without bound (issue #17 item 5): past `budget` bytes the oldest log lines,
/// frames, stray stdout lines, health samples and build output are dropped and counted; the
/// reader then gets a notice saying how many. Everything else (handshake, calls, exits,
/// notices) is always kept: a session produces few of them.
public final class SessionEvents: AsyncSequence, Sendable {
  public typealias Element = SessionEvent

  /// Bytes of events held before the oldest droppable ones go (default 32 MiB).
  public let budget: Int
  /// Where every event is also written as it happens (`run --export`), before any can be dropped.
  public let recorder: SessionRecorder?
  private let state: Mutex<EventQueue>
  private let nextFrame = Mutex(1)

  /// Creates an empty, open queue.
  public init(budget: Int = 32 << 20, recorder: SessionRecorder? = nil) {
    self.budget = budget
    self.recorder = recorder
    state = Mutex(EventQueue(budget: budget))
  }

  /// Adds an event (nothing after `finish()`). Frames are numbered here, 1, 2, 3, … as a
  /// `FrameLog` numbers them, so live frames, the frame log and the recording agree.
  func yield(_ event: SessionEvent) {
    var event = event
    if case .frame(var record) = event {
      record.sequence = nextFrame.withLock { next in
        defer { next += 1 }
        return next
      }
      event = .frame(record)
    }
    let now = Date()
    // The schemas event is derived state for the console, not something the plugin did: not logged.
    if case .schemas = event {} else { recorder?.record(event, at: now) }
    let waiter = state.withLock { $0.push(event, at: now) }
    waiter?.resume(returning: state.withLock { $0.popTimed() })
  }

  /// Ends the sequence once the events held are read.
  func finish() {
    recorder?.close()
    let waiter = state.withLock { $0.close() }
    waiter?.resume(returning: nil)
  }

  /// What was dropped so far.
  public var dropped: EventQueue.Drops { state.withLock { $0.drops } }

  /// The next event with its time, or nil once the sequence is finished and read.
  fileprivate func next() async -> TimedEvent? {
    await withCheckedContinuation { continuation in
      let ready = state.withLock { queue -> TimedEvent?? in
        if let event = queue.popTimed() { return .some(event) }
        if queue.isClosed { return .some(nil) }
        queue.waiter = continuation
        return nil
      }
      if let ready { continuation.resume(returning: ready) }
    }
  }

  /// Reads the events in order.
  public struct AsyncIterator: AsyncIteratorProtocol {
    let events: SessionEvents

    /// The next event, or nil once the sequence is finished and read.
    public mutating func next() async -> SessionEvent? { await events.next()?.event }
  }

  /// One reader at a time.
  public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(events: self) }

  /// The same events with the time each happened (for output that prints times: `--json`).
  public var timed: Timed { Timed(events: self) }

  /// The events with their times; reading it reads the session's events (one reader at a time).
  public struct Timed: AsyncSequence, Sendable {
    let events: SessionEvents

    /// Reads the timed events in order.
    public struct AsyncIterator: AsyncIteratorProtocol {
      let events: SessionEvents

      /// The next event with its time, or nil once the sequence is finished and read.
      public mutating func next() async -> TimedEvent? { await events.next() }
    }

    /// One reader at a time.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(events: events) }
  }
}

/// The queue behind `SessionEvents`: pure, so dropping is tested directly.
public struct EventQueue: Sendable {
  /// What was dropped, by kind.
  public struct Drops: Sendable, Equatable {
    /// Log lines (stderr, stdio).
    public var logs = 0
    /// Decoded frames.
    public var frames = 0
    /// Other droppable events (stray stdout, health samples, build output).
    public var others = 0

    /// All of them.
    public var total: Int { logs + frames + others }
  }

  /// The byte budget.
  public let budget: Int
  /// Bytes held now.
  public private(set) var bytes = 0
  /// Dropped so far.
  public private(set) var drops = Drops()
  /// True after `close()`.
  public private(set) var isClosed = false
  var waiter: CheckedContinuation<TimedEvent?, Never>?

  private var items: [TimedEvent?] = []
  private var head = 0
  private var reported = 0

  /// Creates an empty queue.
  public init(budget: Int) {
    self.budget = budget
  }

  /// Events held.
  public private(set) var count = 0

  /// Adds an event; returns the waiting reader to resume (with `pop()`), if one waits.
  mutating func push(_ event: SessionEvent, at time: Date = Date()) -> CheckedContinuation<TimedEvent?, Never>? {
    guard !isClosed else { return nil }
    items.append(TimedEvent(event: event, time: time))
    bytes += event.approximateBytes
    count += 1
    var scan = head
    while bytes > budget, scan < items.count {
      if let old = items[scan]?.event, old.isDroppable {
        bytes -= old.approximateBytes
        count -= 1
        items[scan] = nil
        switch old {
        case .log: drops.logs += 1
        case .frame: drops.frames += 1
        default: drops.others += 1
        }
      }
      scan += 1
    }
    while head < items.count, items[head] == nil { head += 1 }
    defer { waiter = nil }
    return waiter
  }

  /// Adds an event (for tests and callers without a reader).
  public mutating func append(_ event: SessionEvent) { _ = push(event) }

  /// The oldest event held (a notice first when events were dropped since the last one), or nil.
  public mutating func pop() -> SessionEvent? { popTimed()?.event }

  /// `pop()` with the time the event was queued (the drop notice: now).
  public mutating func popTimed() -> TimedEvent? {
    if drops.total > reported {
      let new = Drops(logs: drops.logs, frames: drops.frames, others: drops.others)
      reported = new.total
      return TimedEvent(
        event: .notice(
          "output fell behind: \(new.logs) log lines, \(new.frames) frames and \(new.others) other events dropped so far "
            + "(plugin-dev holds at most \(budget >> 20) MiB of events for a slow reader)"), time: Date())
    }
    while head < items.count {
      let event = items[head]
      items[head] = nil
      head += 1
      if head > 1024, head * 2 > items.count {
        items.removeFirst(head)
        head = 0
      }
      if let event {
        bytes -= event.event.approximateBytes
        count -= 1
        return event
      }
    }
    return nil
  }

  /// Closes the queue; returns the waiting reader to resume with nil.
  mutating func close() -> CheckedContinuation<TimedEvent?, Never>? {
    isClosed = true
    defer { waiter = nil }
    return waiter
  }
}

extension SessionEvent {
  /// Whether a slow reader may lose this event (what a plugin can produce without end).
  var isDroppable: Bool {
    switch self {
    case .log, .frame, .strayStdout, .health, .buildOutput: return true
    default: return false
    }
  }

  /// About how many bytes the event holds.
  var approximateBytes: Int {
    switch self {
    case .log(let entry): return 128 + entry.raw.utf8.count + entry.message.utf8.count
    case .frame(let record): return 256 + record.approximateByteCount
    case .strayStdout(let line), .buildOutput(let line, _): return 64 + line.utf8.count
    default: return 256
    }
  }
}
