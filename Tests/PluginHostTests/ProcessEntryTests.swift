import Testing

@testable import PluginHost

/// `ProcessEntry`: what `/proc/PID/stat` says about a process.
@Suite("process table entries")
struct ProcessEntryTests {
  @Test(arguments: [
    ("4242 (sleep) S 1 4200 4200 0 -1", ProcessEntry(pid: 4242, ppid: 1, pgrp: 4200, state: "S", name: "sleep")),
    ("7 (a (weird) name) Z 3 7 7 0", ProcessEntry(pid: 7, ppid: 3, pgrp: 7, state: "Z", name: "a (weird) name")),
  ])
  func procStat(_ text: String, _ entry: ProcessEntry) {
    #expect(ProcessEntry.parse(stat: text) == entry)
  }

  @Test func badProcStatIsIgnored() {
    #expect(ProcessEntry.parse(stat: "garbage") == nil)
    #expect(ProcessEntry.parse(stat: "12 (x) S") == nil)
    #expect(ProcessEntry(pid: 1, ppid: 0, pgrp: 1, state: "Z", name: "x").isZombie)
  }
}
