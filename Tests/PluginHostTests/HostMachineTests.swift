import Foundation
import PluginProtocol
import Testing

@testable import PluginHost

/// The host core's state machine: every state with every event, then the sequences that matter.
@Suite("HostMachine")
struct HostMachineTests {
  typealias Event = HostMachine.Event
  typealias State = HostMachine.State

  static let t0 = ContinuousClock.now
  static let line = "1|1|tcp|127.0.0.1:1234|grpc"

  static func machine(health: Duration? = .seconds(1)) -> HostMachine {
    HostMachine(.init(expectations: .init(), handshakeTimeout: .seconds(60), healthInterval: health))
  }

  /// The events a machine is driven with to reach `state` from `.idle`.
  static func path(to state: State) -> [Event] {
    switch state {
    case .idle: return []
    case .building: return [.start(build: true)]
    case .spawning: return [.start(build: false)]
    case .handshaking: return path(to: .spawning) + [.spawned(at: t0)]
    case .connecting: return path(to: .handshaking) + [.stdout(line, at: t0 + .milliseconds(5))]
    case .running: return path(to: .connecting) + [.connected]
    case .shuttingDown: return path(to: .running) + [.stop(pluginSilent: false)]
    case .killing: return path(to: .handshaking) + [.stop(pluginSilent: false)]
    case .finished: return [.finish(pluginSilent: false)]
    }
  }

  static func machine(in state: State) -> HostMachine {
    var m = machine()
    for event in path(to: state) { _ = m.receive(event, now: t0) }
    #expect(m.state == state)
    return m
  }

  /// Every event, named for the table.
  static let events: [(String, Event)] = [
    ("start", .start(build: false)),
    ("build ok", .buildFinished(success: true)),
    ("build failed", .buildFinished(success: false)),
    ("spawned", .spawned(at: t0)),
    ("spawn failed", .spawnFailed(reason: "no such file")),
    ("handshake line", .stdout(line, at: t0 + .milliseconds(5))),
    ("junk line", .stdout("hello", at: t0 + .milliseconds(5))),
    ("stdout closed", .stdoutClosed(at: t0 + .milliseconds(6))),
    ("stderr", .stderr("log")),
    ("exit", .exited(.exited(0), at: t0 + .milliseconds(7))),
    ("connected", .connected),
    ("connect failed", .connectFailed(.unreachable(address: "127.0.0.1:1234", reason: "refused"))),
    ("health checked", .healthChecked),
    ("stop", .stop(pluginSilent: false)),
    ("stop silent", .stop(pluginSilent: true)),
    ("finish", .finish(pluginSilent: false)),
    ("finish silent", .finish(pluginSilent: true)),
    ("timer handshake", .timerFired(.handshake)),
    ("timer sigterm", .timerFired(.sigterm)),
    ("timer health", .timerFired(.health)),
    ("timer grace", .timerFired(.shutdownGrace)),
  ]

  /// Actions without their instants and texts, as the table spells them.
  static func render(_ actions: [HostMachine.Action]) -> String {
    actions.map { action -> String in
      switch action {
      case .runBuild: return "runBuild"
      case .cancelBuild: return "cancelBuild"
      case .spawn: return "spawn"
      case .report(let report):
        switch report {
        case .handshake: return "report(handshake)"
        case .handshakeFailed(let d): return "report(failed:\(d.title))"
        case .lateDiagnosis: return "report(late)"
        case .strayStdout: return "report(stray)"
        case .notice: return "report(notice)"
        case .graceExpired: return "report(graceExpired)"
        case .exited(_, let expected, _): return expected ? "report(exit expected)" : "report(exit)"
        }
      case .connect: return "connect"
      case .checkHealth: return "checkHealth"
      case .sendShutdown: return "sendShutdown"
      case .signal(let signal): return "signal(\(PluginProcess.ExitStatus.signalName(signal)))"
      case .kill: return "kill"
      case .setTimer(let timer, _): return "set(\(timer.rawValue))"
      case .cancelTimer(let timer): return "cancel(\(timer.rawValue))"
      case .teardown: return "teardown"
      case .decide(let ok): return "decide(\(ok))"
      case .finished: return "finished"
      }
    }.joined(separator: ", ")
  }

  static let cancelAll = "cancel(handshake), cancel(sigterm), cancel(health), cancel(shutdownGrace)"

  /// state → event → "state after: actions".
  static let table: [State: [String: String]] = [
    .idle: [
      "start": "spawning: spawn",
      "finish": "finished: finished",
      "finish silent": "finished: finished",
    ],
    .building: [
      "build ok": "spawning: spawn",
      "build failed": "idle: decide(false)",
      "stop": "idle: report(notice), cancelBuild, decide(false)",
      "stop silent": "idle: report(notice), cancelBuild, decide(false)",
      "finish": "finished: report(notice), cancelBuild, decide(false), finished",
      "finish silent": "finished: report(notice), cancelBuild, decide(false), finished",
    ],
    .spawning: [
      "spawned": "handshaking: set(handshake)",
      "spawn failed": "idle: report(failed:plugin exited before the handshake), decide(false)",
      "stop": "killing: decide(false)",
      "stop silent": "killing: decide(false)",
      "finish": "killing: decide(false)",
      "finish silent": "killing: decide(false)",
    ],
    .handshaking: [
      "handshake line": "connecting: report(handshake), connect, cancel(handshake)",
      "junk line": "handshaking: set(handshake)",
      // Without stdout's end of file the watcher gives no verdict (the process reports it first).
      "exit": "idle: report(exit), \(cancelAll), teardown, decide(false)",
      "stop": "killing: cancel(sigterm), cancel(handshake), kill, decide(false)",
      "stop silent": "killing: cancel(sigterm), cancel(handshake), kill, decide(false)",
      "finish": "killing: cancel(sigterm), cancel(handshake), kill, decide(false)",
      "finish silent": "killing: cancel(sigterm), cancel(handshake), kill, decide(false)",
      "timer handshake": "handshaking: set(handshake)",
      "timer sigterm": "handshaking: signal(SIGTERM)",
    ],
    .connecting: [
      "junk line": "connecting: report(stray)",
      "exit": "idle: report(exit), \(cancelAll), teardown, decide(false)",
      "connected": "running: decide(true), checkHealth",
      "connect failed": "killing: report(failed:address unreachable), cancel(sigterm), kill, decide(false)",
      "handshake line": "connecting: report(stray)",
      "stop": "killing: cancel(sigterm), kill, decide(false)",
      "stop silent": "killing: cancel(sigterm), kill, decide(false)",
      "finish": "killing: cancel(sigterm), kill, decide(false)",
      "finish silent": "killing: cancel(sigterm), kill, decide(false)",
    ],
    .running: [
      "junk line": "running: report(stray)",
      "handshake line": "running: report(stray)",
      "exit": "idle: report(exit), \(cancelAll), teardown, decide(false)",
      "health checked": "running: set(health)",
      "stop": "shuttingDown: cancel(sigterm), cancel(health), report(notice), sendShutdown, set(shutdownGrace)",
      "stop silent": "killing: cancel(sigterm), cancel(health), report(notice), kill",
      "finish": "shuttingDown: cancel(sigterm), cancel(health), report(notice), sendShutdown, set(shutdownGrace)",
      "finish silent": "killing: cancel(sigterm), cancel(health), report(notice), kill",
      "timer health": "running: checkHealth",
    ],
    .shuttingDown: [
      "junk line": "shuttingDown: report(stray)",
      "handshake line": "shuttingDown: report(stray)",
      "exit": "idle: report(exit expected), \(cancelAll), teardown, decide(false)",
      "timer grace": "killing: report(notice), report(graceExpired), kill",
    ],
    .killing: [
      "exit": "idle: report(exit expected), \(cancelAll), teardown, decide(false)",
      // Reached from .spawning: the spawn completes (kill it) or fails (nothing to stop).
      "spawned": "killing: kill",
      "spawn failed": "idle: \(cancelAll), teardown, decide(false)",
    ],
    .finished: [
      "start": "finished: decide(false)"
    ],
  ]

  static let everyState: [State] = State.allCases

  @Test("every state with every event", arguments: everyState)
  func table(_ state: State) {
    for (name, event) in Self.events {
      var m = Self.machine(in: state)
      let actions = m.receive(event, now: Self.t0 + .milliseconds(10))
      let seen = "\(m.state): \(Self.render(actions))"
      let expected = Self.table[state]?[name] ?? "\(state): "
      #expect(seen == expected, "\(state) + \(name)")
    }
  }

  // MARK: - Sequences

  @Test func stopDuringTheBuildCancelsItAndALateResultIsIgnored() {
    var m = Self.machine(in: .building)
    #expect(
      Self.render(m.receive(.stop(pluginSilent: false), now: Self.t0)) == "report(notice), cancelBuild, decide(false)")
    #expect(m.receive(.buildFinished(success: true), now: Self.t0).isEmpty)
    #expect(m.state == .idle)
    #expect(Self.render(m.receive(.start(build: true), now: Self.t0)) == "runBuild")
  }

  @Test func exitDuringTheHandshakeIsDiagnosedOnceStdoutIsClosed() {
    var m = Self.machine(in: .handshaking)
    _ = m.receive(.stderr("panic: no config"), now: Self.t0)
    #expect(m.receive(.stdoutClosed(at: Self.t0 + .milliseconds(3)), now: Self.t0).isEmpty)
    let actions = m.receive(.exited(.exited(2), at: Self.t0 + .milliseconds(4)), now: Self.t0)
    #expect(
      Self.render(actions)
        == "report(failed:plugin exited before the handshake), cancel(sigterm), cancel(handshake), teardown, decide(false), report(exit expected)"
    )
    guard case .report(.handshakeFailed(.exitedBeforeHandshake(let status, let tail))) = actions.first else {
      Issue.record("\(actions)")
      return
    }
    #expect(status == .exited(2) && tail == ["panic: no config"])
    #expect(m.state == .idle)
  }

  @Test func exitDuringTheStopIsExpectedAndEndsTheStart() {
    var m = Self.machine(in: .shuttingDown)
    _ = m.receive(.stdoutClosed(at: Self.t0 + .milliseconds(50)), now: Self.t0)
    let actions = m.receive(.exited(.exited(0), at: Self.t0 + .milliseconds(60)), now: Self.t0)
    #expect(actions.first == .report(.exited(.exited(0), expected: true, at: Self.t0 + .milliseconds(60))))
    #expect(actions.contains(.teardown) && m.state == .idle)
    // The stop sequence is never judged as a start: no diagnosis, no late note.
    #expect(!actions.contains { if case .report(.lateDiagnosis) = $0 { true } else { false } })
  }

  @Test func stopTwiceDoesNothingTheSecondTime() {
    var m = Self.machine(in: .running)
    #expect(m.receive(.stop(pluginSilent: false), now: Self.t0).contains(.sendShutdown))
    #expect(m.receive(.stop(pluginSilent: false), now: Self.t0).isEmpty)
    #expect(m.receive(.finish(pluginSilent: false), now: Self.t0).isEmpty)
    #expect(m.state == .shuttingDown)
    _ = m.receive(.exited(.exited(0), at: Self.t0), now: Self.t0)
    // The finish asked for during the stop ends everything once the plugin is gone.
    #expect(m.state == .finished)
  }

  @Test func theGraceAfterShutdownIsATimerThenSIGKILL() {
    var m = Self.machine(in: .running)
    let stop = m.receive(.stop(pluginSilent: false), now: Self.t0 + .seconds(10))
    #expect(stop.contains(.setTimer(.shutdownGrace, at: Self.t0 + .seconds(12))))
    #expect(m.receive(.timerFired(.shutdownGrace), now: Self.t0 + .seconds(12)).contains(.kill))
    #expect(m.state == .killing)
  }

  @Test func stopWhileSpawningKillsTheProcessOnceItExists() {
    var m = Self.machine(in: .spawning)
    _ = m.receive(.stop(pluginSilent: false), now: Self.t0)
    #expect(m.receive(.spawned(at: Self.t0), now: Self.t0) == [.kill])
    let exit = m.receive(.exited(.signaled(9), at: Self.t0), now: Self.t0)
    #expect(exit.first == .report(.exited(.signaled(9), expected: true, at: Self.t0)))
    #expect(m.state == .idle)
  }

  @Test func noHandshakeInTimeProbesWithSignalsThenFails() {
    var m = HostMachine(.init(expectations: .init(), handshakeTimeout: .seconds(1), healthInterval: nil))
    _ = m.receive(.start(build: false), now: Self.t0)
    #expect(m.receive(.spawned(at: Self.t0), now: Self.t0) == [.setTimer(.handshake, at: Self.t0 + .seconds(1))])
    let probe = m.receive(.timerFired(.handshake), now: Self.t0 + .seconds(1))
    #expect(Self.render(probe) == "report(notice), signal(SIGINT), set(sigterm), set(handshake)")
    #expect(m.receive(.timerFired(.sigterm), now: Self.t0 + .milliseconds(1600)) == [.signal(SIGTERM)])
    let line = m.receive(.stdout(Self.line, at: Self.t0 + .milliseconds(1700)), now: Self.t0 + .milliseconds(1700))
    #expect(
      Self.render(line).hasPrefix("report(failed:handshake not flushed), cancel(sigterm), cancel(handshake), kill"))
  }

  @Test func aHandshakeWrittenOnlyAtExitIsALateNoteAfterTheVerdict() {
    var m = Self.machine(in: .running)
    _ = m.receive(.stdoutClosed(at: Self.t0 + .milliseconds(6)), now: Self.t0)
    let actions = m.receive(.exited(.exited(0), at: Self.t0 + .milliseconds(8)), now: Self.t0)
    #expect(Self.render(actions).hasPrefix("report(late), report(exit), "))
  }

  @Test func healthChecksFollowEachOtherByTheInterval() {
    var m = Self.machine(in: .running)
    #expect(m.receive(.healthChecked, now: Self.t0 + .seconds(3)) == [.setTimer(.health, at: Self.t0 + .seconds(4))])
    var quiet = Self.machine(health: nil)
    for event in Self.path(to: .connecting) { _ = quiet.receive(event, now: Self.t0) }
    #expect(quiet.receive(.connected, now: Self.t0) == [.decide(true)])
  }

  /// A host profile whose host never checks health: one check after connecting, then none.
  @Test func healthOnceChecksOnceAndNeverAgain() {
    var once = Self.machine(health: nil)
    once.configuration.healthOnce = true
    for event in Self.path(to: .connecting) { _ = once.receive(event, now: Self.t0) }
    #expect(once.receive(.connected, now: Self.t0) == [.decide(true), .checkHealth])
    #expect(once.receive(.healthChecked, now: Self.t0 + .seconds(1)) == [])
    #expect(once.state == .running)
  }
}
