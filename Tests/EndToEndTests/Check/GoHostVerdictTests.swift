import Foundation
import PluginHost
import TestSupport
import Testing

/// `check`'s FAIL means "a go-plugin host would refuse the plugin, hang, or lose data", and WARN
/// what a host accepts: each fixture plugin of CheckEndToEndTests is given to the genuine go-plugin
/// 1.0.1 host (Tests/Fixtures/gohost), which must do what the check says it does.
@Suite("check's verdicts judged by the genuine host", .enabled(if: GoToolchain.shouldTest), .timeLimit(.minutes(10)))
struct GoHostVerdictTests {
  /// The host at its usual level, on the plugin as a host on another machine starts it (without
  /// this machine's PYTHONUNBUFFERED), putting every byte value (`-binary`: the value is checked).
  static func host(_ c: CheckEndToEndTests.FixtureCase, autoMTLS: Bool = false) async throws -> GoHostRun {
    try #require(GoToolchain.isAvailable, "\(GoToolchain.installHint)")
    return try await GoHostRun.run(
      ["/usr/bin/env", "-u", "PYTHONUNBUFFERED"] + c.command, autoMTLS: autoMTLS,
      hostArguments: ["-loglevel", "info", "-start-timeout", "5s", "-binary"], limit: .seconds(20))
  }

  static let loaded = ["get greeting = 276 bytes, as put", "ping ok"]

  @Test(arguments: CheckEndToEndTests.failing.filter { $0.host != nil })
  func aFailedCheckIsAPluginTheHostRefusesHangsOnOrLosesDataWith(_ c: CheckEndToEndTests.FixtureCase) async throws {
    let verdict = try #require(c.host)
    switch verdict {
    case .refuses(let autoMTLS):
      let outcome = try await Self.host(c, autoMTLS: autoMTLS)
      #expect(outcome.status == .exited(1), "\(outcome.transcript)")
      #expect(outcome.stdout != Self.loaded, "\(outcome.transcript)")
    case .hangs:
      let outcome = try await Self.host(c)
      let timedOut = outcome.stdout.first == "start: timeout while waiting for plugin to start"
      #expect(timedOut || outcome.status == nil, "\(outcome.transcript)")
    case .losesData:
      let outcome = try await Self.host(c)
      #expect(outcome.stdout.first?.contains("first difference at byte") == true, "\(outcome.transcript)")
    case .crashes:
      let outcome = try await Self.host(c)
      #expect(outcome.status == .exited(2), "\(outcome.transcript)")
      #expect(outcome.stderr.contains { $0.hasPrefix("panic: ") }, "\(outcome.transcript)")
    case .killsIt:
      let outcome = try await Self.host(c)
      #expect(outcome.stdout == Self.loaded, "\(outcome.transcript)")
      #expect(outcome.stderr.contains { $0.contains("plugin failed to exit gracefully") }, "\(outcome.transcript)")
    }
  }

  @Test(arguments: CheckEndToEndTests.warning)
  func aWarnedCheckIsAPluginTheHostLoads(_ c: CheckEndToEndTests.FixtureCase) async throws {
    let outcome = try await Self.host(c)
    #expect(outcome.status == .exited(0), "\(outcome.transcript)")
    #expect(outcome.stdout == Self.loaded, "\(outcome.transcript)")
  }
}
