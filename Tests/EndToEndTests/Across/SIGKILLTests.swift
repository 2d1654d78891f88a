import Foundation
import PluginHost
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// When plugin-dev is SIGKILLed its plugin and the plugin's children go too (issue #15 item 3):
/// the watchdog shell sees plugin-dev's end of its socket close and SIGKILLs the group.
@Suite("SIGKILL-proof: nothing outlives a SIGKILLed plugin-dev", .timeLimit(.minutes(3)))
struct SIGKILLTests {
  /// Starts `plugin-dev ARGUMENTS -- python writes-pids.py` (with `environment`), waits for the plugin's pid line (and
  /// for `ready` on stdout or stderr when given), SIGKILLs plugin-dev, and returns the pids the plugin wrote.
  func killDuring(_ arguments: [String], ready: String?, environment: [String: String] = [:]) async throws -> [Int32] {
    let folder = try Fixtures.temporaryDirectory("plugin-dev-sigkill")
    defer { try? FileManager.default.removeItem(at: folder) }
    let pidsFile = folder.appendingPathComponent("pids").path
    let process = try await PluginDevCLI.start(
      arguments + ["--", Fixtures.python, PluginDevCLI.fixture("writes-pids.py")],
      environment: environment.merging(["PIDS_FILE": pidsFile]) { _, file in file }, workingDirectory: folder)
    let output = OutputCollector(process: process)
    func pids() -> [Int32] {
      let text = (try? String(contentsOfFile: pidsFile, encoding: .utf8)) ?? ""
      return text.split(whereSeparator: \.isWhitespace).compactMap { Int32($0) }
    }
    func isReady() -> Bool {
      guard pids().count >= 2 else { return false }
      guard let ready else { return true }
      return (output.stdout + output.stderr).contains { $0.contains(ready) }
    }
    try await waitUntil(
      90, "the plugin's pids and \(ready ?? "no line"):\n\((output.stdout + output.stderr).joined(separator: "\n"))"
    ) { output.exitStatus != nil || isReady() }
    let pids = pids()
    try #require(output.exitStatus == nil, "plugin-dev ended before it was killed:\n\(output.stderr)")
    try #require(
      pids.count >= 2, "no pids written; output:\n\((output.stdout + output.stderr).joined(separator: "\n"))")
    #expect(pids.allSatisfy(PluginDevCLI.isAlive), "the plugin or its child was not running before the kill")
    kill(process.pid, SIGKILL)
    #expect(await process.waitForExit(timeout: .seconds(10)) == .signaled(SIGKILL))
    await output.finished()
    return pids
  }

  /// Waits (generously: CI is loaded; the watchdog acts within milliseconds) for every pid to be gone.
  func expectGone(_ pids: [Int32]) async throws {
    try? await waitUntil(30, "the plugin's processes ending") { !pids.contains(where: PluginDevCLI.isAlive) }
    let left = pids.filter(PluginDevCLI.isAlive)
    for pid in left { kill(pid, SIGKILL) }
    #expect(
      left.isEmpty,
      "still running after plugin-dev was SIGKILLed: \(left.map { ProcessTable.commandLine($0) ?? "\($0)" })")
  }

  @Test func runHeadless() async throws {
    let pids = try await killDuring(["run", "--headless", "--json", "--for", "120s"], ready: "\"event\":\"health\"")
    try await expectGone(pids)
  }

  @Test func check() async throws {
    // Killed in the main run (the first start) while it waits for the handshake: the plugin
    // pauses 5 minutes first, so however slowly this test runs it finds it there.
    let pids = try await killDuring(["check", "--timeout", "600s"], ready: nil, environment: ["PAUSE_SECONDS": "300"])
    #expect(pids.count == 2, "more than the main run started: \(pids)")
    try await expectGone(pids)
  }
}
