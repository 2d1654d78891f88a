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

@Suite("HCLogFormat against JSONSerialization")
struct HCLogFormatJSONTests {
  /// What `line` wrote before it was written by hand: `JSONSerialization`, sorted keys, unescaped slashes.
  static func reference(_ object: [String: Any]) throws -> String {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self)
  }

  @Test func everyControlCharacterQuoteSlashAndNonASCIITextIsWrittenAlike() throws {
    var text = (0..<0x20).map { String(UnicodeScalar(UInt8($0))) }.joined()
    text += "\"quoted\" back\\slash /path/ é 漢字 😀 \u{2028}\u{2029} \u{7F} end"
    let date = Date(timeIntervalSince1970: 1_747_851_301.5)
    let line = HCLogFormat.line(level: "info", message: text, module: "kv/mod", date: date, fields: ["k\n\"": text])
    let expected = try Self.reference([
      "@level": "info", "@message": text, "@module": "kv/mod", "@timestamp": HCLogFormat.timestamp(date), "k\n\"": text,
    ])
    #expect(line == expected)
  }

  @Test func numbersBooleansListsAndObjectsAreWrittenAlike() throws {
    let fields: [String: Any] = [
      "int": 42, "negative": -7, "zero": 0, "big": Int.max, "double": 3.5, "tenth": 0.1, "whole": 12.0,
      "negativeWhole": -3.0, "small": 1.5e-7, "huge": 1e20,
      "true": true, "false": false, "list": [1, "two", false, [3]], "object": ["b": 1, "a": ["c": "d"]], "empty": "",
      "emptyList": [Any](), "emptyObject": [String: Any](),
    ]
    let date = Date(timeIntervalSince1970: 0)
    let line = HCLogFormat.line(level: "debug", message: "m", module: nil, date: date, fields: fields)
    var object = fields
    object["@level"] = "debug"
    object["@message"] = "m"
    object["@timestamp"] = HCLogFormat.timestamp(date)
    let expected = try Self.reference(object)
    #expect(line == expected)
  }

  @Test func keysAreSortedByTheirBytesAsGoSortsAMapsKeys() {
    let fields: [String: Any] = ["Zeta": 1, "a10": 2, "a9": 3, "_under": 4, "é": 5, "f": 6, "B": 7, "a": 8, "A": 9]
    let line = HCLogFormat.line(
      level: "info", message: "m", module: nil, date: Date(timeIntervalSince1970: 0), fields: fields)
    #expect(
      line
        == #"{"@level":"info","@message":"m","@timestamp":"1970-01-01T00:00:00.000000Z","A":9,"B":7,"Zeta":1,"_under":4,"a":8,"a10":2,"a9":3,"f":6,"é":5}"#
    )
  }

  @Test func aValueJSONCannotHoldGivesTheErrorLine() {
    let line = HCLogFormat.line(level: "info", message: "m", module: nil, fields: ["nan": Double.nan])
    #expect(line == #"{"@level":"error","@message":"unencodable log entry"}"#)
  }

  @Test func timestampsMatchTheFormattedOnes() {
    for seconds in [0, 1.000001, 951_782_400.999999, 1_747_851_301.627659, 4_102_444_799.5, -1.25] {
      let date = Date(timeIntervalSince1970: seconds)
      var whole = time_t(seconds.rounded(.down))
      var micros = Int(((seconds - Double(whole)) * 1_000_000).rounded())
      if micros >= 1_000_000 {
        whole += 1
        micros -= 1_000_000
      }
      var parts = tm()
      gmtime_r(&whole, &parts)
      let expected = String(
        format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
        Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), micros)
      #expect(HCLogFormat.timestamp(date) == expected)
    }
  }
}
