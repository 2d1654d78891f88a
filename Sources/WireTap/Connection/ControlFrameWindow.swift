import Foundation

/// Counts control frames (PING, SETTINGS, PRIORITY) in a sliding 30-second window, the way
/// swift-nio-http2's DOS heuristics do before answering with GOAWAY ENHANCE_YOUR_CALM.
struct ControlFrameWindow: Sendable {
  /// The window swift-nio-http2 1.46 uses.
  static let window: TimeInterval = 30
  /// Control frames swift-nio-http2 1.46 accepts per window before closing the connection.
  static let nioLimit = 200
  /// Timestamps kept (enough to tell that the limit was passed).
  private static let maxKept = 1000

  private var times: [Date] = []
  private var head = 0

  /// Records a frame at `time` and returns how many fell in the window ending then.
  mutating func record(at time: Date) -> Int {
    prune(before: time)
    times.append(time)
    if times.count - head > Self.maxKept { head += 1 }
    compact()
    return times.count - head
  }

  /// How many frames fell in the window ending at `time`.
  mutating func count(at time: Date) -> Int {
    prune(before: time)
    compact()
    return times.count - head
  }

  private mutating func prune(before time: Date) {
    while head < times.count, time.timeIntervalSince(times[head]) > Self.window {
      head += 1
    }
  }

  private mutating func compact() {
    if head > 0, head * 2 >= times.count {
      times.removeFirst(head)
      head = 0
    }
  }
}
