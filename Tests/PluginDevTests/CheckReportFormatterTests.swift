import Foundation
import PluginCheck
import PluginHost
import Testing

@testable import plugin_dev

/// `CheckReportFormatter`: whole lines compared, JSON read back.
@Suite("check: report lines")
struct CheckReportFormatterTests {
  let pass = CheckResult.pass(.handshakePresent, "`1|1|unix|/tmp/p.sock|grpc|` in 23 ms")
  let fail = CheckResult.fail(
    .cookieRefused, "started without BASIC_PLUGIN it printed a handshake", fix: "check the cookie before serving",
    goPlugin: "first line\nsecond line\nthird line")

  @Test func textLines() {
    #expect(
      CheckReportFormatter.text(pass) == "PASS  handshake.present                `1|1|unix|/tmp/p.sock|grpc|` in 23 ms")
    #expect(
      CheckReportFormatter.text(fail)
        == "FAIL  cookie.refused                   started without BASIC_PLUGIN it printed a handshake; "
        + "go-plugin (v1.4.7+): \"first line\" (and 2 more lines) → check the cookie before serving")
    #expect(
      CheckReportFormatter.text(.skip(.portRange, "unix socket, no port"))
        == "SKIP  port.range                       unix socket, no port")
    #expect(
      CheckReportFormatter.text(.fail(.portRange, "a\nb", fix: "c"))
        == "FAIL  port.range                       a / b → c")
  }

  @Test func theIDColumnFitsTheLongestID() {
    #expect(CheckReportFormatter.idWidth == "negotiation.unsupported-version".count)
    for id in CheckID.allCases {
      #expect(id.rawValue.count <= CheckReportFormatter.idWidth)
    }
  }

  @Test func jsonLinesReadBack() throws {
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(CheckReportFormatter.json(fail).utf8)) as? [String: Any])
    #expect(object["event"] as? String == "check")
    #expect(object["id"] as? String == "cookie.refused")
    #expect(object["status"] as? String == "fail")
    #expect(object["fix"] as? String == "check the cookie before serving")
    #expect(object["goPlugin"] as? String == "first line\nsecond line\nthird line")
    let passed = try #require(
      try JSONSerialization.jsonObject(with: Data(CheckReportFormatter.json(pass).utf8)) as? [String: Any])
    #expect(passed["fix"] is NSNull)
    #expect(!CheckReportFormatter.json(pass).contains("\n"))
  }

  @Test func summaries() throws {
    let report = CheckReport(target: "kv", results: [pass, fail, .skip(.portRange, "unix")], seconds: 1.23456)
    #expect(CheckReportFormatter.summaryText(report) == "checks: 1 passed, 0 warned, 1 failed, 1 skipped")
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(CheckReportFormatter.summaryJSON(report).utf8)) as? [String: Any])
    #expect(object["event"] as? String == "summary")
    #expect(object["failedChecks"] as? [String] == ["cookie.refused"])
    #expect(object["exitCode"] as? Int == 1)
    #expect(object["passed"] as? Int == 1)
    #expect(object["seconds"] as? Double == 1.235)
    #expect(object["startFailure"] is NSNull)
  }
}
