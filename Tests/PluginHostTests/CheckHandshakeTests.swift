import PluginProtocol
import Testing

@testable import PluginCheck
@testable import PluginHost

/// `HandshakeChecks`: the watcher's decision → one result per handshake check, and the line the rest uses.
@Suite("check: handshake")
struct CheckHandshakeTests {
  /// The statuses of the handshake checks, in `HandshakeChecks.ids` order.
  func statuses(_ verdict: HandshakeChecks.Verdict) -> [CheckStatus] {
    #expect(verdict.results.map(\.id) == HandshakeChecks.ids)
    return verdict.results.map(\.status)
  }

  func accepted(_ raw: String, expectations: HandshakeExpectations = .init()) throws -> HandshakeChecks.Observation {
    let line = try HandshakeLine.parse(raw, expecting: expectations)
    return .init(
      decision: .accepted(line, raw: raw, warnings: line.warnings(rawLine: raw, expecting: expectations)),
      latency: .milliseconds(23), expectations: expectations)
  }

  @Test func aGoodLinePassesEverything() throws {
    let verdict = HandshakeChecks.evaluate(try accepted("1|1|unix|/tmp/plugin1/plugin.sock|grpc|"))
    #expect(statuses(verdict) == [.pass, .pass, .pass, .pass, .pass, .pass, .pass])
    #expect(verdict.results[0].seen == "`1|1|unix|/tmp/plugin1/plugin.sock|grpc|` in 23 ms")
    #expect(verdict.results[5].seen == "field 6 empty, as Go plugins print it without AutoMTLS")
    #expect(verdict.results[6].seen == "24 bytes (limit \(HandshakeLine.maxSocketPathLength))")
    #expect(verdict.usableLine?.address == "/tmp/plugin1/plugin.sock")
  }

  @Test func aTCPLineSkipsTheSocketPath() throws {
    let verdict = HandshakeChecks.evaluate(try accepted("1|1|tcp|127.0.0.1:1234|grpc"))
    #expect(statuses(verdict) == [.pass, .pass, .pass, .pass, .pass, .pass, .skip])
    #expect(verdict.results[3].seen == "core 1, tcp 127.0.0.1:1234, protocol grpc")
  }

  @Test func warningsMakeFieldsWarn() throws {
    let verdict = HandshakeChecks.evaluate(try accepted("1|1|tcp|0.0.0.0:1234|grpc"))
    #expect(verdict.results[3].status == .warn)
    #expect(verdict.results[3].fix?.contains("Listen on 127.0.0.1") == true)
    #expect(verdict.usableLine != nil)
  }

  @Test func junkThenAHandshakeFailsOnlyNoJunkAndGoesOn() {
    let diagnosis = HandshakeDiagnosis.textBeforeHandshake(
      firstLine: "starting up...", handshakeLater: .init(number: 2, text: "1|1|tcp|127.0.0.1:1234|grpc"))
    let verdict = HandshakeChecks.evaluate(.init(decision: .failed(diagnosis)))
    #expect(statuses(verdict) == [.pass, .fail, .pass, .pass, .pass, .pass, .skip])
    #expect(verdict.results[1].seen == "stdout line 1 was `starting up...`, not the handshake")
    #expect(verdict.results[1].goPlugin?.hasPrefix("Unrecognized remote plugin message: starting up...") == true)
    #expect(verdict.results[0].seen.contains("on stdout line 2"))
    #expect(verdict.usableLine?.address == "127.0.0.1:1234")
  }

  @Test func junkAloneFailsPresentAndNoJunk() {
    let verdict = HandshakeChecks.evaluate(
      .init(decision: .failed(.textBeforeHandshake(firstLine: "usage: kv", handshakeLater: nil))))
    #expect(statuses(verdict) == [.fail, .fail, .skip, .skip, .skip, .skip, .skip])
    #expect(verdict.usableLine == nil)
  }

  @Test func aTimeoutFailsPresentOnly() {
    let verdict = HandshakeChecks.evaluate(.init(decision: .failed(.timeout(seconds: 1.5))))
    #expect(statuses(verdict) == [.fail, .skip, .skip, .skip, .skip, .skip, .skip])
    #expect(verdict.results[0].seen == "nothing on stdout within 1.5 s, nor after SIGINT/SIGTERM")
    #expect(verdict.results[0].goPlugin == "timeout while waiting for plugin to start")
    #expect(verdict.unusableReason == "no handshake line")
  }

  @Test func anEarlyExitFailsPresentWithTheLastStderrLine() {
    let diagnosis = HandshakeDiagnosis.exitedBeforeHandshake(status: .exited(3), stderrTail: ["a", "Error: no config"])
    let verdict = HandshakeChecks.evaluate(.init(decision: .failed(diagnosis)))
    #expect(statuses(verdict) == [.fail, .skip, .skip, .skip, .skip, .skip, .skip])
    #expect(
      verdict.results[0].seen
        == "the plugin ended (exit code 3) before printing a handshake; last stderr line: `Error: no config`")
    #expect(verdict.results[0].fix == diagnosis.hint)
  }

  @Test(arguments: [false, true])
  func anUnflushedLineFailsFlushedOnly(atExit: Bool) {
    let diagnosis = HandshakeDiagnosis.unflushed(line: "1|1|tcp|127.0.0.1:1234|grpc", atExit: atExit)
    let verdict = HandshakeChecks.evaluate(.init(decision: .failed(diagnosis)))
    #expect(statuses(verdict) == [.skip, .pass, .fail, .pass, .pass, .pass, .skip])
    #expect(
      verdict.results[2].seen.contains(atExit ? "when the plugin exited" : "after plugin-dev sent SIGINT/SIGTERM"))
    #expect(verdict.usableLine == nil)
  }

  @Test func aLateUnflushedFailureAfterAcceptanceFailsFlushed() throws {
    var observation = try accepted("1|1|tcp|127.0.0.1:1234|grpc")
    observation.lateFailure = .unflushed(line: "1|1|tcp|127.0.0.1:1234|grpc", atExit: true)
    let verdict = HandshakeChecks.evaluate(observation)
    #expect(verdict.results[2].status == .fail)
    #expect(verdict.usableLine == nil)
  }

  /// A refused line: the statuses of fields, version, cert and socket-path, and whether the run goes on.
  struct LineCase: Sendable, CustomTestStringConvertible {
    var raw: String
    var statuses: [CheckStatus]
    var usable: Bool
    var testDescription: String { raw }
  }

  @Test(arguments: [
    LineCase(raw: "1|9|tcp|127.0.0.1:1234|grpc", statuses: [.pass, .fail, .pass, .skip], usable: true),
    LineCase(raw: "1|x|tcp|127.0.0.1:1234|grpc", statuses: [.pass, .fail, .pass, .skip], usable: true),
    LineCase(raw: "2|1|tcp|127.0.0.1:1234|grpc", statuses: [.fail, .skip, .skip, .skip], usable: false),
    LineCase(raw: "1|1|udp|127.0.0.1:1234|grpc", statuses: [.fail, .pass, .skip, .skip], usable: false),
    LineCase(raw: "1|1|tcp|127.0.0.1:1234|netrpc", statuses: [.fail, .pass, .skip, .skip], usable: false),
    LineCase(raw: "1|1|tcp|127.0.0.1:1234", statuses: [.fail, .pass, .skip, .skip], usable: false),
    LineCase(
      raw: "1|1|tcp|127.0.0.1:1234|grpc|" + String(repeating: "A", count: 64), statuses: [.pass, .pass, .fail, .skip],
      usable: true),
    LineCase(
      raw: "1|9|tcp|127.0.0.1:1234|grpc|" + String(repeating: "A", count: 64), statuses: [.pass, .fail, .fail, .skip],
      usable: true),
    LineCase(
      raw: "1|1|unix|/tmp/" + String(repeating: "d", count: 120) + "/p.sock|grpc",
      statuses: [.pass, .pass, .pass, .fail], usable: false),
    LineCase(raw: "1|1|unix||grpc", statuses: [.fail, .pass, .pass, .skip], usable: false),
  ])
  func refusedLines(_ c: LineCase) throws {
    let error: HandshakeError
    do {
      _ = try HandshakeLine.parseAndCheck(c.raw)
      Issue.record("the line parsed")
      return
    } catch let e {
      error = e
    }
    let verdict = HandshakeChecks.evaluate(.init(decision: .failed(.invalid(error, line: c.raw))))
    #expect(Array(statuses(verdict).prefix(3)) == [.pass, .pass, .pass])
    #expect(Array(statuses(verdict).dropFirst(3)) == c.statuses)
    #expect((verdict.usableLine != nil) == c.usable)
    for failed in verdict.results where failed.status == .fail {
      #expect(failed.fix?.isEmpty == false)
    }
  }

  @Test func theVersionFailureCarriesGoPluginsMessage() throws {
    let verdict = HandshakeChecks.evaluate(
      .init(
        decision: .failed(.invalid(.incompatibleAppVersion(2, offered: [1]), line: "1|2|tcp|127.0.0.1:1234|grpc"))))
    let version = try #require(verdict.results.first { $0.id == .handshakeVersion })
    #expect(version.goPlugin == "incompatible API version with plugin. Plugin version: 2, Client versions: [1]")
    #expect(verdict.usableLine?.appVersion == 2)
  }

  @Test(arguments: [
    (HandshakeError.incompatibleAppVersion(2, offered: [1]), CheckID.handshakeVersion),
    (.certificateWithoutAutoMTLS, .handshakeCert),
    (.socketPathTooLong("x", limit: 107), .handshakeSocketPath),
    (.incompatibleCoreVersion(2), .handshakeFields),
    (.multiplexDeclined, .handshakeFields),
    (.unrecognized(line: ""), .handshakePresent),
  ])
  func errorsBelongToOneCheck(_ error: HandshakeError, _ id: CheckID) {
    #expect(HandshakeChecks.category(of: error) == id)
  }
}
