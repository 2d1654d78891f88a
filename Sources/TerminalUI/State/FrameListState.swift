import WireTap

/// The frame log as a list: the filter and its cached matches, selection, scrolling, follow mode.
///
/// Rows are positions in the filtered view. By default the list shows calls: the typed filter
/// AND-ed with `callsQuery`, which hides connection upkeep (PING, WINDOW_UPDATE, SETTINGS and
/// their ACKs) and the health checks; `showAll` turns that part off. Without any filter a row
/// is a position in the `FrameLog`; with one, the matching records' sequence numbers are cached
/// (rebuilt when the query or the view changes, extended on append, pruned when the log drops
/// its oldest records), so nothing here is O(frames) except such a change.
public struct FrameListState: Sendable, Equatable {
  /// The filter terms of the calls view (the default): hide connection upkeep, health checks and
  /// plugin-dev's own probes (gRPC reflection, the broker's StartStream), so `is:error` there
  /// names the plugin's errors only; `a` (all frames) shows them.
  public static let callsQuery =
    "-type:PING -type:WINDOW_UPDATE -type:SETTINGS -method:/grpc.health.v1.Health/ -method:/grpc.reflection. "
    + "-method:/plugin.GRPCBroker/StartStream"
  /// The filter as typed.
  public private(set) var query = ""
  /// The parsed filter as typed (its problems are shown under the list).
  public private(set) var filter = FrameFilter()
  /// Whether every frame is listed; false: the calls view (`callsQuery` applies too).
  public private(set) var showAll = false
  /// The filter applied: `filter`, plus `callsQuery` unless `showAll`.
  public private(set) var effectiveFilter = FrameFilter(FrameListState.callsQuery)
  /// Sequence numbers of the matching records, from `matchesStart` on (filter only).
  private var matches: [Int] = []
  private var matchesStart = 0
  /// The selected row.
  public var selected = 0
  /// The first row shown.
  public var top = 0
  /// Whether new frames move the selection to the newest one.
  public var follow = true
  /// Whether the filter is being typed (after `/`).
  public var editing = false
  /// The filter being typed.
  public var editor = InputLine(historyLimit: 100)
  /// The query before `/`, restored by Esc.
  public var queryBeforeEditing = ""

  /// An empty list in follow mode.
  public init() {}

  /// Whether any filter applies (the typed one or the calls view).
  public var isFiltered: Bool { !effectiveFilter.isEmpty }

  /// Whether a typed filter is active.
  public var hasQuery: Bool { !filter.isEmpty }

  /// Records of the log not listed (hidden by the calls view or the typed filter).
  public func hiddenCount(in log: FrameLog) -> Int { log.count - count(in: log) }

  /// Rows in the list.
  public func count(in log: FrameLog) -> Int {
    isFiltered ? matches.count - matchesStart : log.count
  }

  /// The log position shown on `row`.
  public func position(ofRow row: Int, in log: FrameLog) -> Int? {
    guard row >= 0, row < count(in: log) else { return nil }
    return isFiltered ? log.position(ofSequence: matches[matchesStart + row]) : row
  }

  /// The record shown on `row`.
  public func record(atRow row: Int, in log: FrameLog) -> FrameRecord? {
    position(ofRow: row, in: log).map { log[$0] }
  }

  /// The selected record.
  public func selectedRecord(in log: FrameLog) -> FrameRecord? {
    record(atRow: selected, in: log)
  }

  /// The row showing the record with this sequence number, if it is in the list.
  public func row(ofSequence sequence: Int, in log: FrameLog) -> Int? {
    if !isFiltered { return log.position(ofSequence: sequence) }
    let row = lowerBound(sequence)
    return row < count(in: log) && matches[matchesStart + row] == sequence ? row : nil
  }

  /// Updates the cache after `record` (the newest) was appended and `dropped` old records left the log.
  public mutating func didAppend(_ record: FrameRecord, to log: FrameLog, dropped: Int, visibleRows: Int) {
    if dropped > 0 {
      if isFiltered {
        let oldest = log.first?.sequence ?? record.sequence
        var pruned = 0
        while matchesStart < matches.count, matches[matchesStart] < oldest {
          matchesStart += 1
          pruned += 1
        }
        shift(by: pruned)
        if matchesStart > 4_096, matchesStart * 2 > matches.count {
          matches.removeFirst(matchesStart)
          matchesStart = 0
        }
      } else {
        shift(by: dropped)
      }
    }
    if isFiltered, effectiveFilter.matches(record) { matches.append(record.sequence) }
    let total = count(in: log)
    if follow {
      selected = max(0, total - 1)
      top = max(0, total - max(1, visibleRows))
    }
  }

  /// Sets the filter query, rebuilds the matches, and keeps the selection on the same record
  /// (or the nearest later one).
  public mutating func setQuery(_ newQuery: String, log: FrameLog, visibleRows: Int) {
    guard newQuery != query else { return }
    let previous = selectedRecord(in: log)?.sequence
    query = newQuery
    filter = FrameFilter(newQuery)
    rebuild(log: log, visibleRows: visibleRows, keeping: previous)
  }

  /// Switches between every frame and the calls view, keeping the selection like `setQuery`.
  public mutating func setShowAll(_ all: Bool, log: FrameLog, visibleRows: Int) {
    guard all != showAll else { return }
    let previous = selectedRecord(in: log)?.sequence
    showAll = all
    rebuild(log: log, visibleRows: visibleRows, keeping: previous)
  }

  private mutating func rebuild(log: FrameLog, visibleRows: Int, keeping previous: Int?) {
    var combined = filter
    if !showAll { combined.clauses += FrameFilter(Self.callsQuery).clauses }
    effectiveFilter = combined
    matchesStart = 0
    matches = isFiltered ? log.filter(effectiveFilter).map { log[$0].sequence } : []
    let total = count(in: log)
    if follow || previous == nil {
      selected = max(0, total - 1)
    } else if let previous {
      selected = min(max(0, total - 1), isFiltered ? lowerBound(previous) : (log.position(ofSequence: previous) ?? 0))
    }
    top = max(0, selected - max(1, visibleRows) / 2)
    clamp(total: total, visibleRows: visibleRows)
  }

  /// Moves the selection by `delta` rows (negative: up); moving up leaves follow mode.
  public mutating func move(by delta: Int, log: FrameLog, visibleRows: Int) {
    let total = count(in: log)
    guard total > 0 else { return }
    select(row: selected + delta, log: log, visibleRows: visibleRows)
    if delta < 0 { follow = false }
  }

  /// Selects a row (clamped) and scrolls it into view; leaves follow mode unless it is the last row.
  public mutating func select(row: Int, log: FrameLog, visibleRows: Int) {
    let total = count(in: log)
    selected = min(max(0, row), max(0, total - 1))
    if selected < total - 1 { follow = false }
    clamp(total: total, visibleRows: visibleRows)
  }

  /// Jumps to the newest row and turns follow mode on.
  public mutating func followNewest(log: FrameLog, visibleRows: Int) {
    follow = true
    let total = count(in: log)
    selected = max(0, total - 1)
    top = max(0, total - max(1, visibleRows))
  }

  /// Scrolls so that the selection is visible and the window stays inside the list.
  public mutating func clamp(total: Int, visibleRows: Int) {
    let rows = max(1, visibleRows)
    selected = min(max(0, selected), max(0, total - 1))
    if selected < top { top = selected }
    if selected >= top + rows { top = selected - rows + 1 }
    top = min(max(0, top), max(0, total - rows))
  }

  /// Forgets the matches and the selection (after the log was cleared).
  public mutating func removeAll() {
    matches = []
    matchesStart = 0
    selected = 0
    top = 0
  }

  private mutating func shift(by rows: Int) {
    guard rows > 0 else { return }
    selected = max(0, selected - rows)
    top = max(0, top - rows)
  }

  /// The first row whose sequence is ≥ `sequence` (filter only).
  private func lowerBound(_ sequence: Int) -> Int {
    var low = matchesStart
    var high = matches.count
    while low < high {
      let mid = (low + high) / 2
      if matches[mid] < sequence { low = mid + 1 } else { high = mid }
    }
    return low - matchesStart
  }
}
