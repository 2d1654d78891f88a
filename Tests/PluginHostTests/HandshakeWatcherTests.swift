import PluginProtocol
import Testing

@testable import PluginHost

@Suite("HandshakeWatcher")
struct HandshakeWatcherTests {
  let t0 = ContinuousClock.now
  func watcher(timeout: Duration = .seconds(60)) -> HandshakeWatcher {
    HandshakeWatcher(expectations: .init(), startedAt: t0, timeout: timeout, grace: .milliseconds(300))
  }

  @Test func acceptsAGoodLineAndFlagsLaterStdout() {
    var w = watcher()
    let out = w.receive(.stdout("1|1|tcp|127.0.0.1:1234|grpc", at: t0 + .milliseconds(5)))
    guard case .accepted(let line, _, let warnings) = out.first else {
      Issue.record("not accepted: \(out)")
      return
    }
    #expect(line.address == "127.0.0.1:1234")
    #expect(warnings.isEmpty)
    #expect(w.receive(.stdout("hello", at: t0 + .milliseconds(9))) == [.strayStdout("hello")])
    #expect(w.nextDeadline == nil)
  }

  @Test func junkThenHandshakeNamesBoth() {
    var w = watcher()
    #expect(w.receive(.stdout("starting up...", at: t0)) == [])
    let out = w.receive(.stdout("1|1|tcp|127.0.0.1:1234|grpc", at: t0 + .milliseconds(10)))
    #expect(
      out == [
        .failed(
          .textBeforeHandshake(
            firstLine: "starting up...", handshakeLater: .init(number: 2, text: "1|1|tcp|127.0.0.1:1234|grpc")))
      ])
  }

  @Test func junkAloneFailsAfterTheGrace() {
    var w = watcher()
    #expect(w.receive(.stdout("Loading config", at: t0)) == [])
    #expect(w.receive(.tick(at: t0 + .milliseconds(100))) == [])
    #expect(
      w.receive(.tick(at: t0 + .milliseconds(301))) == [
        .failed(.textBeforeHandshake(firstLine: "Loading config", handshakeLater: nil))
      ])
  }

  @Test func badFieldsFailAtOnce() {
    var w = watcher()
    let out = w.receive(.stdout("1|9|tcp|127.0.0.1:1|grpc", at: t0))
    #expect(out == [.failed(.invalid(.incompatibleAppVersion(9, offered: [1]), line: "1|9|tcp|127.0.0.1:1|grpc"))])
  }

  @Test func exitBeforeAnyLineCarriesTheStderrTail() {
    var w = watcher()
    _ = w.receive(.stderr("Traceback (most recent call last):"))
    _ = w.receive(.stderr("ModuleNotFoundError: No module named 'grpc'"))
    #expect(w.receive(.stdoutClosed(at: t0)) == [])
    let out = w.receive(.exited(.exited(1), at: t0))
    guard case .failed(let diagnosis) = out.first else {
      Issue.record("no failure: \(out)")
      return
    }
    #expect(
      diagnosis
        == .exitedBeforeHandshake(
          status: .exited(1),
          stderrTail: [
            "Traceback (most recent call last):", "ModuleNotFoundError: No module named 'grpc'",
          ]))
    #expect(diagnosis.hint.contains("build step"))
    #expect(
      diagnosis.goPluginMessage?.hasPrefix("Unrecognized remote plugin message: \nFailed to read any lines") == true)
  }

  @Test func timeoutProbesThenReportsUnflushed() {
    var w = watcher(timeout: .seconds(2))
    #expect(w.receive(.tick(at: t0 + .seconds(1))) == [])
    #expect(w.receive(.tick(at: t0 + .seconds(2))) == [.probeUnflushed])
    let out = w.receive(.stdout("1|1|tcp|127.0.0.1:1234|grpc", at: t0 + .milliseconds(2100)))
    #expect(out == [.failed(.unflushed(line: "1|1|tcp|127.0.0.1:1234|grpc", atExit: false))])
  }

  @Test func timeoutWithNothingIsATimeout() {
    var w = watcher(timeout: .seconds(2))
    #expect(w.receive(.tick(at: t0 + .seconds(2))) == [.probeUnflushed])
    #expect(w.receive(.stdoutClosed(at: t0 + .milliseconds(2100))) == [])
    let out = w.receive(.exited(.signaled(2), at: t0 + .milliseconds(2100)))
    #expect(out == [.failed(.timeout(seconds: 2))])
    #expect(HandshakeDiagnosis.timeout(seconds: 2).goPluginMessage == "timeout while waiting for plugin to start")
  }

  @Test func handshakeThatArrivesWithEndOfFileWasNotFlushed() {
    var w = watcher()
    let line = "1|1|tcp|127.0.0.1:1234|grpc"
    guard case .accepted = w.receive(.stdout(line, at: t0 + .seconds(3))).first else {
      Issue.record("not accepted")
      return
    }
    #expect(w.receive(.stdoutClosed(at: t0 + .seconds(3) + .milliseconds(2))) == [])
    #expect(
      w.receive(.exited(.exited(0), at: t0 + .seconds(3) + .milliseconds(3))) == [
        .failed(.unflushed(line: line, atExit: true))
      ])
  }

  /// A go-plugin 1.0.1 Go plugin's stdout is closed by Go's GC soon after the handshake; the
  /// exit comes much later. That is not a handshake written at exit.
  @Test func stdoutClosedEarlyButExitLaterIsNotUnflushed() {
    var w = watcher()
    _ = w.receive(.stdout("1|1|unix|/tmp/plugin1|grpc|", at: t0))
    #expect(w.receive(.stdoutClosed(at: t0 + .milliseconds(2))) == [])
    #expect(w.receive(.exited(.exited(0), at: t0 + .seconds(2))) == [])
  }

  /// Once the host stops the plugin, stdout closing and the exit are the stop, not a start.
  @Test(arguments: [0, 5, 29])
  func theStopSequenceIsNotJudged(milliseconds: Int) {
    var w = watcher()
    _ = w.receive(.stdout("1|1|tcp|127.0.0.1:1234|grpc", at: t0))
    #expect(w.receive(.stopRequested) == [])
    #expect(w.receive(.stdoutClosed(at: t0 + .milliseconds(milliseconds))) == [])
    #expect(w.receive(.exited(.exited(0), at: t0 + .milliseconds(milliseconds + 1))) == [])
  }

  /// A stop during the handshake wait ends the wait without a diagnosis.
  @Test func aStopWhileWaitingDecidesSilently() {
    var w = watcher()
    #expect(w.receive(.stopRequested) == [])
    #expect(w.isDecided)
    #expect(w.nextDeadline == nil)
    #expect(w.receive(.stdoutClosed(at: t0 + .milliseconds(5))) == [])
    #expect(w.receive(.exited(.signaled(9), at: t0 + .milliseconds(6))) == [])
    #expect(w.receive(.tick(at: t0 + .seconds(120))) == [])
  }

  @Test func aPluginThatExitsLaterIsNotUnflushed() {
    var w = watcher()
    _ = w.receive(.stdout("1|1|tcp|127.0.0.1:1234|grpc", at: t0))
    #expect(w.receive(.stdoutClosed(at: t0 + .seconds(5))) == [])
    #expect(w.receive(.exited(.exited(0), at: t0 + .seconds(5))) == [])
  }
}
