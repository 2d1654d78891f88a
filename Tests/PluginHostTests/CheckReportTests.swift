import Foundation
import Testing

@testable import PluginCheck
@testable import PluginHost

/// `CheckReport`: counts, failed checks and the exit code (its lines: PluginDevTests).
@Suite("check: report")
struct CheckReportTests {
  let pass = CheckResult.pass(.handshakePresent, "`1|1|unix|/tmp/p.sock|grpc|` in 23 ms")
  let fail = CheckResult.fail(
    .cookieRefused, "started without BASIC_PLUGIN it printed a handshake", fix: "check the cookie before serving",
    goPlugin: "first line\nsecond line\nthird line")

  @Test(arguments: [
    ([CheckStatus.pass, .warn, .skip], String?.none, Int32(0)),
    ([.pass, .fail], nil, 1),
    ([], "build failed", 2),
  ])
  func exitCodes(_ statuses: [CheckStatus], _ failure: String?, _ code: Int32) {
    let results = statuses.enumerated().map { CheckResult(CheckID.allCases[$0.offset], $0.element, seen: "") }
    #expect(CheckReport(target: "t", results: results, startFailure: failure).exitCode == code)
  }

  @Test func counts() {
    let report = CheckReport(target: "kv", results: [pass, fail, .skip(.portRange, "unix")], seconds: 1.23456)
    #expect(
      report.count(.pass) == 1 && report.count(.fail) == 1 && report.count(.skip) == 1 && report.count(.warn) == 0)
    #expect(report.failedIDs == [.cookieRefused])
    #expect(report.exitCode == 1)
    #expect(report[.portRange]?.status == .skip)
  }

  @Test func everyCheckIsDocumented() {
    for id in CheckID.allCases {
      #expect(!id.summary.isEmpty)
    }
    #expect(Set(CheckID.allCases.map(\.rawValue)).count == CheckID.allCases.count)
  }
}
