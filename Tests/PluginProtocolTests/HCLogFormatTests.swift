import Foundation
import Testing

@testable import PluginProtocol

@Suite("HCLogFormat")
struct HCLogFormatTests {
  @Test func timestampHasSixFractionalDigits() {
    let date = Date(timeIntervalSince1970: 1_747_851_301.627659)
    #expect(HCLogFormat.timestamp(date) == "2025-05-21T18:15:01.627659Z")
  }

  @Test func lineIsAnHCLogJSONObject() throws {
    let date = Date(timeIntervalSince1970: 0)
    let line = HCLogFormat.line(
      level: "debug", message: "plugin address", module: "kv", date: date, fields: ["network": "unix", "n": 3])
    #expect(
      line
        == #"{"@level":"debug","@message":"plugin address","@module":"kv","@timestamp":"1970-01-01T00:00:00.000000Z","n":3,"network":"unix"}"#
    )
  }
}
