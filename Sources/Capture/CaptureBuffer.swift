/// A capture kept in memory within a byte limit, for exporting a snapshot while the session runs.
///
/// Once an event's blocks do not fit, nothing more is recorded: a capture with a hole in a TCP
/// stream would decode wrongly, so it ends where the limit was reached and says how much it missed.
public struct CaptureBuffer: Sendable {
  /// The most bytes kept.
  public let limit: Int
  /// The pcapng bytes (a valid capture once the recorder's header is in).
  public private(set) var bytes: [UInt8] = []
  /// What the kept bytes hold.
  public private(set) var counts = CaptureCounts()
  /// Whether the limit was reached (nothing is recorded after that).
  public private(set) var isFull = false
  /// Relayed bytes seen after the limit was reached.
  public private(set) var unrecordedBytes = 0

  /// An empty buffer keeping at most `limit` bytes.
  public init(limit: Int) {
    self.limit = max(0, limit)
  }

  /// Appends the blocks one event produced (`counts`: the recorder's counts after it;
  /// `payload`: the relayed bytes it carried); false, and nothing kept, once they do not fit.
  @discardableResult
  public mutating func append(_ blocks: [UInt8], counts: CaptureCounts, payload: Int) -> Bool {
    guard !isFull, bytes.count + blocks.count <= limit else {
      isFull = true
      unrecordedBytes += payload
      return false
    }
    bytes += blocks
    self.counts = counts
    return true
  }
}
