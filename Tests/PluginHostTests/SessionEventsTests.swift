import Foundation
import Testing

@testable import PluginHost
@testable import PluginSession

/// A slow reader loses the oldest noisy events, never the ones that matter, and is told so.
@Suite("SessionEvents")
struct SessionEventsTests {
  static func log(_ text: String) -> SessionEvent {
    .log(LogEntry(level: .info, message: text, format: .plain, raw: text))
  }

  @Test func overTheBudgetTheOldestLogsGoAndANoticeSaysSo() {
    var queue = EventQueue(budget: 10_000)
    queue.append(.notice("first"))
    for index in 0..<1_000 { queue.append(Self.log("line \(index) " + String(repeating: "x", count: 100))) }
    queue.append(.exited(.exited(0), expected: true))
    #expect(queue.bytes <= 10_000)
    #expect(queue.drops.logs > 900)
    guard case .notice(let dropped) = queue.pop() else {
      Issue.record("no notice first")
      return
    }
    #expect(dropped.contains("\(queue.drops.logs) log lines"))
    guard case .notice("first") = queue.pop() else {
      Issue.record("the first notice was dropped")
      return
    }
    var last: SessionEvent?
    var logs = 0
    while let event = queue.pop() {
      if case .log = event { logs += 1 }
      last = event
    }
    #expect(logs == 1_000 - queue.drops.logs)
    guard case .exited(_, expected: true)? = last else {
      Issue.record("the exit was not last: \(String(describing: last))")
      return
    }
  }

  @Test func theAsyncSequenceDeliversInOrderAndEnds() async {
    let events = SessionEvents(budget: 1 << 20)
    let reader = Task {
      var seen: [SessionEvent] = []
      for await event in events { seen.append(event) }
      return seen
    }
    for index in 0..<100 { events.yield(Self.log("\(index)")) }
    events.yield(.finished)
    events.finish()
    let seen = await reader.value
    #expect(seen.count == 101)
    guard case .log(let first)? = seen.first, case .finished? = seen.last else {
      Issue.record("out of order")
      return
    }
    #expect(first.message == "0")
  }

  /// A reader that comes late still gets each event's own time (`--json` prints it), and the
  /// events in order.
  @Test func timedEventsCarryTheTimeTheyHappened() async throws {
    let events = SessionEvents(budget: 1 << 20)
    // Each time is checked against clock readings taken around its yield, bounds no load can
    // cross. The sleep is the gap between the two events (part of the setup, not a wait for
    // anything): a sleep never ends early, so the times must lie at least 0.3 s apart, and the
    // reader, which starts after both, would stamp the early event 0.3 s too late.
    let before = Date()
    events.yield(.notice("early"))
    let afterEarly = Date()
    try await Task.sleep(for: .milliseconds(300))
    let beforeLate = Date()
    events.yield(.notice("late"))
    let afterLate = Date()
    events.finish()
    var seen: [TimedEvent] = []
    for await timed in events.timed { seen.append(timed) }
    #expect(seen.count == 2)
    guard seen.count == 2 else { return }
    #expect(seen[0].time >= before && seen[0].time <= afterEarly, "\(seen[0].time) vs \(before)...\(afterEarly)")
    #expect(seen[1].time >= beforeLate && seen[1].time <= afterLate, "\(seen[1].time) vs \(beforeLate)...\(afterLate)")
    #expect(seen[1].time.timeIntervalSince(seen[0].time) >= 0.29)
    guard case .notice("early") = seen[0].event, case .notice("late") = seen[1].event else {
      Issue.record("out of order: \(seen.map(\.event))")
      return
    }
  }

  @Test func theQueueKeepsThePushTime() {
    var queue = EventQueue(budget: 1 << 20)
    let then = Date(timeIntervalSince1970: 1_000_000)
    _ = queue.push(.notice("then"), at: then)
    #expect(queue.popTimed()?.time == then)
  }
}
