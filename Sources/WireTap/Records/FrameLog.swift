import Foundation

/// A bounded, in-order store of captured frame records with filtering and JSON lines export.
///
/// When full, the oldest record is dropped (and counted). Positions are 0-based within the
/// records currently held; sequence numbers (assigned by `append`, starting at 1) never
/// change, so use them to refer to a record across drops.
public struct FrameLog: Sendable, RandomAccessCollection {
  /// Records kept before the oldest are dropped.
  public let capacity: Int
  /// Records dropped because the log was full.
  public private(set) var droppedCount = 0
  /// The sequence number the next appended record gets.
  public private(set) var nextSequence = 1

  private var storage: [FrameRecord] = []
  /// Index in `storage` of the oldest record once the ring is full.
  private var head = 0

  /// A log reserves room for at most this many records up front; beyond, it grows as it fills.
  static let reservedRecordsLimit = 1 << 20

  /// Makes an empty log holding at most `capacity` records (at least 1).
  public init(capacity: Int = 100_000) {
    self.capacity = Swift.max(1, capacity)
  }

  /// Position of the oldest record (always 0).
  public var startIndex: Int { 0 }
  /// One past the newest record's position.
  public var endIndex: Int { storage.count }

  /// The record at `position` (0 = oldest held).
  public subscript(position: Int) -> FrameRecord {
    storage[physical(position)]
  }

  /// Appends a record, stamping its sequence number; drops the oldest when full.
  /// Returns the sequence number assigned.
  @discardableResult
  public mutating func append(_ record: FrameRecord) -> Int {
    var record = record
    record.sequence = nextSequence
    nextSequence += 1
    if storage.count < capacity {
      if storage.isEmpty {
        // Room for the whole log at once (pages are only touched as records arrive): growing by
        // doubling would copy every record several times and leave up to half the room unused.
        storage.reserveCapacity(Swift.min(capacity, Self.reservedRecordsLimit))
      }
      storage.append(record)
    } else {
      storage[head] = record
      head = (head + 1) % capacity
      droppedCount += 1
    }
    return record.sequence
  }

  /// Appends several records in order.
  public mutating func append(contentsOf records: some Sequence<FrameRecord>) {
    for record in records { append(record) }
  }

  /// Removes every record (sequence numbers keep counting; the dropped count is kept).
  public mutating func removeAll() {
    storage.removeAll()
    head = 0
  }

  /// The position of the record with sequence number `sequence`, if still held.
  public func position(ofSequence sequence: Int) -> Int? {
    guard let first = storage.isEmpty ? nil : self[0].sequence else { return nil }
    let position = sequence - first
    return position >= 0 && position < count ? position : nil
  }

  /// Positions of the records matching `filter`, oldest first.
  public func filter(_ filter: FrameFilter) -> [Int] {
    guard !filter.isEmpty else { return Array(indices) }
    var result: [Int] = []
    for position in indices {
      let index = physical(position)
      if filter.matches(storage[index]) {
        result.append(position)
      }
    }
    return result
  }

  /// Positions of the records matching the query string (see `FrameFilter`).
  public func filter(_ query: String) -> [Int] {
    filter(FrameFilter(query))
  }

  /// All records (or the given positions) as JSON lines: one object per line, each line
  /// ending in a newline.
  public func exportJSONLines(positions: [Int]? = nil) -> String {
    var out: [UInt8] = []
    for position in positions ?? Array(indices) where position >= 0 && position < count {
      out += self[position].jsonBytes()
      out.append(0x0A)
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Writes `exportJSONLines(positions:)` to a file, replacing it.
  public func writeJSONLines(to url: URL, positions: [Int]? = nil) throws {
    try Data(exportJSONLines(positions: positions).utf8).write(to: url, options: .atomic)
  }

  private func physical(_ position: Int) -> Int {
    storage.count < capacity ? position : (head + position) % capacity
  }
}
