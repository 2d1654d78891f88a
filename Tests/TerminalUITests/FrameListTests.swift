import Foundation
import TerminalUI
import Testing
import WireTap

/// The frame list's cached filter against a bounded log that drops its oldest records.
@Suite("frame list")
struct FrameListTests {
  static func record(_ index: Int) -> FrameRecord {
    let type = ["HEADERS", "DATA", "PING", "SETTINGS"][index % 4]
    return FrameRecord(
      time: Fixture.at(Double(index)), direction: index % 3 == 0 ? .hostToPlugin : .pluginToHost,
      streamID: UInt32(index % 5),
      type: type, summary: "\(type) item\(index)", method: index % 2 == 0 ? "/proto.KV/Put" : nil)
  }

  @Test(arguments: ["", "type:DATA", "method:Put", "stream:1,2 dir:out", "item1", "-type:PING"], [true, false])
  func incrementalMatchesEqualAFullFilter(_ query: String, showAll: Bool) {
    var log = FrameLog(capacity: 50)
    var list = FrameListState()
    list.setQuery(query, log: log, visibleRows: 10)
    list.setShowAll(showAll, log: log, visibleRows: 10)
    let applied = showAll ? query : query + " " + FrameListState.callsQuery
    for index in 0..<400 {
      let before = log.droppedCount
      log.append(Self.record(index))
      guard let last = log.last else { continue }
      list.didAppend(last, to: log, dropped: log.droppedCount - before, visibleRows: 10)
      let expected = log.filter(applied).map { log[$0].sequence }
      let actual = (0..<list.count(in: log)).compactMap { list.record(atRow: $0, in: log)?.sequence }
      #expect(actual == expected, "after \(index) appends")
      if actual != expected { return }
    }
  }

  @Test func selectionStaysOnTheSameRecordWhenOldOnesAreDropped() {
    var log = FrameLog(capacity: 20)
    var list = FrameListState()
    list.setShowAll(true, log: log, visibleRows: 5)
    for index in 0..<20 {
      log.append(Self.record(index))
      if let last = log.last { list.didAppend(last, to: log, dropped: 0, visibleRows: 5) }
    }
    list.select(row: 10, log: log, visibleRows: 5)
    let chosen = list.selectedRecord(in: log)?.sequence
    for index in 20..<25 {
      let before = log.droppedCount
      log.append(Self.record(index))
      if let last = log.last { list.didAppend(last, to: log, dropped: log.droppedCount - before, visibleRows: 5) }
    }
    #expect(list.selectedRecord(in: log)?.sequence == chosen)
    #expect(!list.follow)
  }

  @Test func changingTheFilterKeepsTheSelectedRecordOrTheNextMatch() {
    var log = FrameLog()
    var list = FrameListState()
    list.setShowAll(true, log: log, visibleRows: 5)
    for index in 0..<40 {
      log.append(Self.record(index))
      if let last = log.last { list.didAppend(last, to: log, dropped: 0, visibleRows: 5) }
    }
    list.select(row: 21, log: log, visibleRows: 5)
    #expect(list.selectedRecord(in: log)?.type == "DATA")
    list.setQuery("type:DATA", log: log, visibleRows: 5)
    #expect(list.selectedRecord(in: log)?.sequence == 22)
    list.setQuery("type:HEADERS", log: log, visibleRows: 5)
    #expect(list.selectedRecord(in: log)?.sequence == 25, "the next HEADERS after #22")
    list.setQuery("", log: log, visibleRows: 5)
    #expect(list.selectedRecord(in: log)?.sequence == 25)
  }
}
