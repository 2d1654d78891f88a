import Foundation
import PluginProtocol
import Testing

@testable import PluginCheck
@testable import PluginHost

/// The verdicts on the stop, stderr/stdout, the cookie run and the negotiation run.
@Suite("check: shutdown, output, cookie, negotiation")
struct CheckRunTests {
  typealias Shutdown = ShutdownChecks.Observation

  // MARK: - Shutdown

  @Test func aCleanStopPassesAllThree() {
    let results = ShutdownChecks.evaluate(
      .init(controller: .answered(milliseconds: 4), exitedAfter: .milliseconds(15), exitStatus: .exited(0)))
    #expect(results.map(\.id) == [.controllerShutdown, .shutdownExit, .shutdownNoChildren])
    #expect(results.map(\.status) == [.pass, .pass, .pass])
    #expect(results[1].seen == "exited (exit code 0) 15 ms after Shutdown")
  }

  @Test(arguments: [
    (
      Shutdown(controller: .closedBeforeReplying, exitedAfter: .milliseconds(9), exitStatus: .exited(0)),
      [CheckStatus.pass, .pass, .pass]
    ),
    (
      Shutdown(controller: .unimplemented(message: "Method not found!"), exitedAfter: nil, exitStatus: .signaled(9)),
      [.fail, .skip, .pass]
    ),
    (
      Shutdown(controller: .answered(milliseconds: 2), exitedAfter: nil, exitStatus: .signaled(9)),
      [.pass, .fail, .pass]
    ),
    (Shutdown(controller: .noReply, exitedAfter: nil, exitStatus: .signaled(9)), [.fail, .skip, .pass]),
    (
      Shutdown(controller: .failed(code: .internalError, message: "x"), exitedAfter: nil, exitStatus: .signaled(9)),
      [.fail, .skip, .pass]
    ),
    (Shutdown(controller: .exitedBefore(.exited(2)), exitedAfter: nil, exitStatus: .exited(2)), [.skip, .fail, .pass]),
    (
      Shutdown(
        controller: .answered(milliseconds: 2), exitedAfter: .milliseconds(30), exitStatus: .exited(0),
        leftBehind: [.init(pid: 42, command: "sleep 300")]), [.pass, .pass, .fail]
    ),
    (
      Shutdown(
        controller: .answered(milliseconds: 2), exitedAfter: .milliseconds(30), exitStatus: .exited(0),
        orphansTracked: false), [.pass, .pass, .skip]
    ),
  ])
  func shutdownTable(_ observation: Shutdown, _ statuses: [CheckStatus]) {
    #expect(ShutdownChecks.evaluate(observation).map(\.status) == statuses)
  }

  @Test func leftoversAreNamed() {
    let left = ShutdownChecks.evaluate(
      .init(
        controller: .answered(milliseconds: 1), exitedAfter: .milliseconds(5), exitStatus: .exited(0),
        leftBehind: [.init(pid: 42, command: "sleep 300")]))[2]
    #expect(left.seen == "1 process outlived the plugin: pid 42 `sleep 300`; plugin-dev killed it")
    let hard = ShutdownChecks.evaluate(
      .init(
        controller: .answered(milliseconds: 1), exitedAfter: nil, exitStatus: .signaled(9),
        leftBehind: [
          .init(pid: 7, command: "a", survivesHardKill: true), .init(pid: 8, command: "b", survivesHardKill: true),
        ]))[2]
    #expect(hard.seen.hasPrefix("2 processes of the plugin would outlive a go-plugin host's SIGKILL"))
  }

  @Test func theNoReplyAndFailedToExitMessagesAreGoPlugins() {
    let results = ShutdownChecks.evaluate(
      .init(controller: .answered(milliseconds: 1), exitedAfter: nil, exitStatus: .signaled(9)))
    #expect(results[1].goPlugin == "plugin failed to exit gracefully")
  }

  // MARK: - stderr and stdout

  func lines(_ texts: [String]) -> [LineSplitter.Line] {
    texts.map { LineSplitter.Line(text: $0, byteCount: $0.utf8.count) }
  }

  let good = #"{"@level":"debug","@message":"plugin address","@timestamp":"2026-05-21T18:15:01.627659Z"}"#

  @Test func validHCLogPasses() {
    let results = StderrChecks.evaluate(lines([good, "[INFO] plain", good]))
    #expect(results.map(\.id) == [.stderrHCLog, .stderrLineLength])
    #expect(results[0] == .pass(.stderrHCLog, "3 lines: 2 hclog JSON, all valid; 1 plain text"))
    #expect(results[1].status == .pass)
    #expect(StderrChecks.evaluate([]).map(\.seen) == ["no stderr output", "no stderr output"])
  }

  @Test(arguments: [
    (#"{"@level":"warning","@message":"m","@timestamp":"2026-05-21T18:15:01.627659Z"}"#, "@level \"warning\""),
    (#"{"@level":"info","@message":"m","@timestamp":"2026-05-21T18:15:01.627Z"}"#, "six fractional digits"),
    (#"{"@message":"no level"}"#, "no @level"),
  ])
  func badHCLogWarns(_ line: String, _ problem: String) {
    let result = StderrChecks.evaluate(lines([good, line]))[0]
    #expect(result.status == .warn, "a go-plugin host logs these at debug")
    #expect(result.seen.hasPrefix("stderr line 2: "))
    #expect(result.seen.contains(problem), "\(result.seen)")
  }

  /// A non-string @message, @level or @timestamp panics go-plugin's stderr reader (log_entry.go),
  /// which ends the host: that fails, and is named first.
  @Test func aLineThatCrashesTheHostFails() {
    let result = StderrChecks.evaluate(
      lines([good, #"{"@level":"warning","@message":"m"}"#, #"{"@level":"info","@message":5}"#]))[0]
    #expect(result.status == .fail)
    #expect(result.seen.hasPrefix("stderr line 3: @message is not a string"), "\(result.seen)")
  }

  @Test func aLongLineWarnsOfLengthButNotHCLog() {
    let pieces = [
      LineSplitter.Line(text: "{\"@level\":\"info\",\"x\":\"aaa", byteCount: 65536, continues: true),
      LineSplitter.Line(text: "aaa\"}", byteCount: 6000, isContinuation: true),
    ]
    let results = StderrChecks.evaluate(lines([good]) + pieces + lines([good]))
    #expect(results[0].status == .pass)
    #expect(results[1].status == .warn)
    #expect(results[1].seen.hasPrefix("stderr line 2 is 71536 bytes"))
  }

  @Test func stdoutAfterTheHandshakeOnlyWarns() {
    #expect(StderrChecks.afterHandshake([]).status == .pass)
    let result = StderrChecks.afterHandshake(lines(["debug: connected", "more"]))
    #expect(result.status == .warn)
    #expect(result.seen == "2 lines on stdout after the handshake, the first: `debug: connected`")
    #expect(!CheckID.stdoutAfterHandshake.canFail)
    // tf providers print an empty line after the handshake: named, not quoted as ``.
    #expect(
      StderrChecks.afterHandshake(lines([""])).seen == "1 line on stdout after the handshake, the first: an empty line")
  }

  // MARK: - Cookie

  static let goMessage = [
    "This binary is a plugin. These are not meant to be executed directly.",
    "Please execute the program that consumes these plugins, which will", "load any plugins automatically",
  ]

  @Test(arguments: [
    (
      ProbeRun(outcome: .exited(.exited(1), after: .milliseconds(80)), stderr: goMessage), CheckStatus.pass,
      "started without BASIC_PLUGIN it exited (exit code 1) after 80 ms, with go-plugin's message"
    ),
    (
      ProbeRun(outcome: .exited(.exited(2), after: .milliseconds(80)), stderr: ["no cookie, bye"]), .pass,
      "started without BASIC_PLUGIN it exited (exit code 2) after 80 ms, saying `no cookie, bye`"
    ),
    (
      ProbeRun(outcome: .exited(.exited(0), after: .milliseconds(80))), .warn,
      "started without BASIC_PLUGIN it exited with code 0 after 80 ms, saying nothing on stderr"
    ),
    (
      ProbeRun(outcome: .handshake(raw: "1|1|tcp|127.0.0.1:1234|grpc", after: .milliseconds(96))), .warn,
      "started without BASIC_PLUGIN it printed a handshake (`1|1|tcp|127.0.0.1:1234|grpc`) after 96 ms; a host always sends the cookie, so none refuses it, but go-plugin plugins exit 1 with \"This binary is a plugin…\" so a user who starts one by hand learns what it is"
    ),
    (
      ProbeRun(outcome: .stillRunning(after: .seconds(3))), .warn,
      "started without BASIC_PLUGIN it was still running 3000 ms later, without a handshake; a host always sends the cookie, so none is affected, but a user who starts it by hand waits on nothing"
    ),
  ])
  func cookie(_ run: ProbeRun, _ status: CheckStatus, _ seen: String) {
    let result = CookieCheck.evaluate(run, cookieKey: "BASIC_PLUGIN")
    #expect(result.status == status)
    #expect(result.seen == seen)
  }

  // MARK: - Negotiation

  @Test func unsupportedVersionsAreAboveEverythingKnown() {
    #expect(NegotiationCheck.unsupportedVersions(supported: [1]) == [99, 100])
    #expect(NegotiationCheck.unsupportedVersions(supported: [5, 6]) == [104, 105])
    #expect(NegotiationCheck.unsupportedVersions(supported: []) == [99, 100])
  }

  @Test(arguments: [
    (ProbeRun(outcome: .handshake(raw: "1|1|tcp|127.0.0.1:1|grpc", after: .milliseconds(5))), CheckStatus.pass),
    (ProbeRun(outcome: .handshake(raw: "1|2|tcp|127.0.0.1:1|grpc", after: .milliseconds(5))), .pass),
    (ProbeRun(outcome: .handshake(raw: "1|99|tcp|127.0.0.1:1|grpc", after: .milliseconds(5))), .fail),
    (ProbeRun(outcome: .handshake(raw: "no | handshake", after: .milliseconds(5))), .warn),
    (
      ProbeRun(outcome: .exited(.exited(1), after: .milliseconds(5)), stderr: ["unsupported protocol versions 99,100"]),
      .pass
    ),
    (ProbeRun(outcome: .exited(.exited(1), after: .milliseconds(5))), .fail),
    (
      ProbeRun(
        outcome: .exited(.exited(1), after: .milliseconds(5)), stderr: ["Traceback (most recent call last):", "x"]),
      .warn
    ),
    (ProbeRun(outcome: .exited(.signaled(11), after: .milliseconds(5)), stderr: ["boom"]), .fail),
    (ProbeRun(outcome: .stillRunning(after: .seconds(3))), .fail),
  ])
  func negotiation(_ run: ProbeRun, _ status: CheckStatus) {
    #expect(NegotiationCheck.evaluate(run, offered: [99, 100], supported: [1]).status == status)
  }

  @Test func negotiationPassQuotesTheHostsRefusal() {
    let result = NegotiationCheck.evaluate(
      ProbeRun(outcome: .handshake(raw: "1|1|tcp|127.0.0.1:1|grpc", after: .milliseconds(5))), offered: [99, 100],
      supported: [1])
    #expect(
      result.seen == "offered only 99,100 it answered 1, its lowest, as go-plugin does; a go-plugin host refuses: "
        + "\"incompatible API version with plugin. Plugin version: 1, Client versions: [99 100]\"")
  }

  // MARK: - Timing

  @Test func theProbeWaitFollowsTheMainRun() {
    #expect(PluginChecker.probeWait(after: .milliseconds(100), timeout: .seconds(60)) == .seconds(3))
    #expect(PluginChecker.probeWait(after: .seconds(2), timeout: .seconds(60)) == .seconds(8))
    #expect(PluginChecker.probeWait(after: .seconds(30), timeout: .seconds(60)) == .seconds(60))
    #expect(PluginChecker.probeWait(after: nil, timeout: .seconds(1)) == .seconds(3))
  }

  @Test func portWindowsAreNarrowAndBelowEphemeralPorts() {
    for _ in 0..<50 {
      let range = PluginChecker.randomPortWindow()
      #expect(range.count == 100)
      #expect(range.lowerBound >= 20000 && range.upperBound <= 28999)
    }
  }

  @Test func theWatchersDecisionPointsAtTheHandshakeLine() {
    let later = HandshakeDiagnosis.textBeforeHandshake(
      firstLine: "x", handshakeLater: .init(number: 3, text: "1|1|tcp|a:1|grpc"))
    #expect(PluginChecker.handshakeDecision(.failed(later), timeout: .seconds(1)).1 == 2)
    #expect(PluginChecker.handshakeDecision(.failed(.timeout(seconds: 1)), timeout: .seconds(1)).1 == nil)
    #expect(PluginChecker.handshakeDecision(nil, timeout: .seconds(2)).0 == .failed(.timeout(seconds: 2)))
  }
}
