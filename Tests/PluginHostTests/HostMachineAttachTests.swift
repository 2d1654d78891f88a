import Foundation
import PluginProtocol
import Testing

@testable import PluginHost

/// `run --attach`: the machine connects at once and never spawns, signals or kills.
@Suite("HostMachine attached")
struct HostMachineAttachTests {
  static let t0 = ContinuousClock.now
  static let line = HandshakeLine(appVersion: 1, network: .tcp, address: "127.0.0.1:1234")

  static func attached() -> HostMachine {
    var configuration = HostMachine.Configuration(
      expectations: .init(), handshakeTimeout: .seconds(60), healthInterval: .seconds(1))
    configuration.attach = line
    return HostMachine(configuration)
  }

  static func neverTouchesAProcess(_ actions: [HostMachine.Action]) -> Bool {
    !actions.contains { action in
      switch action {
      case .spawn, .runBuild, .kill, .signal: return true
      default: return false
      }
    }
  }

  @Test func startConnectsToTheGivenLine() {
    var m = Self.attached()
    let actions = m.receive(.start(build: true), now: Self.t0)
    #expect(m.state == .connecting)
    #expect(actions.contains(.connect(Self.line)))
    #expect(Self.neverTouchesAProcess(actions))
    #expect(m.receive(.connected, now: Self.t0).contains(.decide(true)))
    #expect(m.state == .running)
  }

  @Test(arguments: [false, true])
  func finishSendsShutdownThenLetsGo(_ silent: Bool) {
    var m = Self.attached()
    var actions = m.receive(.start(build: false), now: Self.t0)
    actions += m.receive(.connected, now: Self.t0)
    actions += m.receive(.finish(pluginSilent: silent), now: Self.t0)
    #expect(actions.contains(.sendShutdown) == !silent)
    if !silent {
      #expect(m.state == .shuttingDown)
      actions += m.receive(.timerFired(.shutdownGrace), now: Self.t0 + .seconds(2))
    }
    #expect(m.state == .finished)
    #expect(actions.contains(.teardown) && actions.contains(.finished))
    #expect(Self.neverTouchesAProcess(actions))
  }

  /// A restart stops first: attached, that only disconnects (the plugin may be in a debugger).
  @Test func aStopDisconnectsWithoutShutdown() {
    var m = Self.attached()
    var actions = m.receive(.start(build: false), now: Self.t0)
    actions += m.receive(.connected, now: Self.t0)
    actions += m.receive(.stop(pluginSilent: false), now: Self.t0)
    #expect(!actions.contains(.sendShutdown))
    #expect(m.state == .idle)
    #expect(actions.contains(.teardown))
    #expect(Self.neverTouchesAProcess(actions))
    #expect(m.receive(.start(build: false), now: Self.t0).contains(.connect(Self.line)))
  }

  @Test func aStopWhileConnectingAndAFailedConnectEndWithoutAKill() {
    var m = Self.attached()
    var actions = m.receive(.start(build: false), now: Self.t0)
    actions += m.receive(.stop(pluginSilent: false), now: Self.t0)
    #expect(m.state == .idle)
    var failed = Self.attached()
    actions += failed.receive(.start(build: false), now: Self.t0)
    actions += failed.receive(
      .connectFailed(.unreachable(address: "127.0.0.1:1234", reason: "refused")), now: Self.t0)
    #expect(failed.state == .idle)
    #expect(Self.neverTouchesAProcess(actions))
    #expect(failed.receive(.finish(pluginSilent: false), now: Self.t0).contains(.finished))
  }
}
