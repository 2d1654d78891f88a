import Foundation
import PluginCheck
import PluginHost
import TestSupport
import Testing

/// `plugin-dev new` followed by `plugin-dev run` on what it made, as a new user would.
@Suite("plugin-dev new → run", .timeLimit(.minutes(15)))
struct NewTemplateTests {
  /// Makes a plugin with `new` in a fresh folder; returns the plugin folder.
  func scaffold(_ language: String, name: String) async throws -> URL {
    let dir = try Fixtures.temporaryDirectory("plugin-dev-new")
    let result = try await PluginDevCLI.run(["new", "kv", name, "--lang", language, "--dir", dir.path])
    #expect(result.status == .exited(0), "\(result.transcript)")
    #expect(result.stdout.contains { $0.contains("plugin-dev run") }, "next command printed\n\(result.transcript)")
    return dir.appendingPathComponent(name)
  }

  /// Runs put/get against the plugin folder and checks the session end to end.
  /// `servesStdio`: false for a Go plugin built against go-plugin 1.0.1 (GRPCStdio came in v1.1.0).
  func expectWorkingPlugin(_ folder: URL, timeout: Duration, servesStdio: Bool = true) async throws {
    let result = try await PluginDevCLI.run(
      [
        "run", "--headless", "--json", "--no-frames", "--unset", "PYTHONUNBUFFERED", "--exec", "put a b", "--exec",
        "get a", folder.path,
      ],
      timeout: timeout)
    #expect(result.status == .exited(0), "\(result.transcript)")
    #expect(result.events("build-finished").first?["ok"] as? Bool == true, "\(result.transcript)")
    #expect(result.events("handshake-failed").isEmpty, "\(result.transcript)")
    #expect((result.events("handshake").first?["warnings"] as? [String])?.isEmpty == true, "\(result.transcript)")
    #expect(result.events("health").first?["status"] as? String == "SERVING", "\(result.transcript)")
    #expect(result.events("call").map { $0["code"] as? String } == ["ok", "ok"], "\(result.transcript)")
    #expect(result.events("call").last?["result"] as? String == "b")
    let notices = result.events("notice").compactMap { $0["text"] as? String }
    #expect(
      !notices.contains { $0.contains("did not exit within 2 s") },
      "Shutdown must end the plugin within 2 s: \(notices)")
    if servesStdio {
      #expect(
        !notices.contains { $0.contains("UNIMPLEMENTED") && $0.contains("GRPCStdio") }, "GRPCStdio served: \(notices)")
    }
    let exits = result.events("exited")
    #expect(
      exits.first?["status"] as? String == "exit code 0" && exits.first?["expected"] as? Bool == true,
      "\(result.transcript)")
    let badLogs = result.events("log").filter { ($0["problems"] as? [String])?.isEmpty == false }
    #expect(badLogs.isEmpty, "stderr lines a Go host would mishandle: \(badLogs)")
  }

  /// Starts the plugin's command without the cookie: go-plugin's message and exit 1.
  func expectCookieRefusal(_ folder: URL) async throws {
    let manifest = try PluginManifest.load(from: folder)
    let (executable, arguments) = manifest.command.launchArguments(in: folder)
    let process = try await PluginProcess.start(
      .init(
        executable: executable, arguments: arguments, environment: manifest.environment ?? [:],
        removedEnvironment: ["BASIC_PLUGIN"], workingDirectory: folder.path))
    let output = OutputCollector(process: process)
    let status = await process.waitForExit(timeout: .seconds(30))
    await output.finished()
    #expect(status == .exited(1), "stderr: \(output.stderr)")
    #expect(output.stderr.first == "This binary is a plugin. These are not meant to be executed directly.")
    if status == nil { await process.kill() }
  }

  /// The README's `plugin-dev wrap` recipe, as written (`sh -c "$KV_PLUGIN"`, as go-plugin's example
  /// host starts it), under the genuine go-plugin host: the host's calls pass and are logged.
  func expectWrapRecipeWorks(_ folder: URL) async throws {
    guard GoToolchain.shouldTest else { return }
    try #require(GoToolchain.isAvailable, "\(GoToolchain.installHint)")
    let readme = try String(contentsOf: folder.appendingPathComponent("README.md"), encoding: .utf8)
    let prefix = "export KV_PLUGIN=\"exec plugin-dev wrap "
    let line = try #require(readme.split(separator: "\n").first { $0.hasPrefix(prefix) }, "no wrap recipe in README")
    let logs = try Fixtures.temporaryDirectory("plugin-dev-recipe")
    let command = String(line.dropFirst("export KV_PLUGIN=\"".count).prefix { $0 != "\"" })
      .replacingOccurrences(of: "/tmp/", with: logs.path + "/")
      .replacingOccurrences(of: "$PWD", with: folder.deletingLastPathComponent().path)
    let path = Fixtures.binDirectory.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
    let outcome = try await GoHostRun.run(["/usr/bin/env", "PATH=\(path)", "/bin/sh", "-c", command])
    #expect(outcome.status == .exited(0), "\(command)\n\(outcome.transcript)")
    #expect(outcome.stdout == ["get greeting = hello from a Go host", "ping ok"], "\(outcome.transcript)")
    let log = try String(contentsOf: logs.appendingPathComponent("\(folder.lastPathComponent).jsonl"), encoding: .utf8)
    #expect(log.contains("HEADERS /proto.KV/Put"), "\(log.prefix(2000))")
  }

  @Test func pythonTemplate() async throws {
    let folder = try await scaffold("python", name: "kv-py")
    try await expectWorkingPlugin(folder, timeout: .seconds(300))
    try await expectCookieRefusal(folder)
    try await expectWrapRecipeWorks(folder)
  }

  /// The Go template built by its own build step: with the module proxy, or (as here, with none)
  /// in GOPATH mode against Debian's Go packages.
  @Test(.enabled(if: GoToolchain.shouldTest)) func goTemplate() async throws {
    try #require(GoToolchain.isAvailable, "\(GoToolchain.installHint)")
    let folder = try await scaffold("go", name: "kvgo")
    // Without a module proxy the GOPATH build uses Debian's go-plugin 1.0.1, which has no GRPCStdio.
    try await expectWorkingPlugin(folder, timeout: .seconds(300), servesStdio: false)
    // A second start builds again (what `r` does) and still works.
    try await expectWorkingPlugin(folder, timeout: .seconds(300), servesStdio: false)
  }

  @Test func swiftTemplate() async throws {
    let folder = try await scaffold("swift", name: "kvswift")
    try await expectWorkingPlugin(folder, timeout: .seconds(840))
    try await expectCookieRefusal(folder)
    try await expectWrapRecipeWorks(folder)
    // Built now, so `check` costs seconds: a Swift template passes it too.
    let check = try await PluginDevCLI.run(["check", "--json", "--no-build", folder.path])
    #expect(check.status == .exited(0), "\(check.transcript)")
    let failed = check.events("check").filter { $0["status"] as? String == "fail" }
    #expect(failed.isEmpty, "\(check.transcript)")
    #expect(check.events("check").count == CheckID.allCases.count, "\(check.transcript)")
    #expect(check.events("summary").first?["exitCode"] as? Int == 0, "\(check.transcript)")
  }

  @Test func refusesToOverwriteAndListsChoices() async throws {
    let dir = try Fixtures.temporaryDirectory("plugin-dev-new")
    let first = try await PluginDevCLI.run(["new", "kv", "p1", "--dir", dir.path])
    #expect(first.status == .exited(0), "\(first.transcript)")
    let again = try await PluginDevCLI.run(["new", "kv", "p1", "--dir", dir.path])
    #expect(again.status != .exited(0))
    #expect(again.stderr.joined().contains("--force"), "\(again.transcript)")
    let badName = try await PluginDevCLI.run(["new", "kv", "../evil", "--dir", dir.path])
    #expect(badName.status != .exited(0))
    #expect(
      !FileManager.default.fileExists(atPath: dir.deletingLastPathComponent().appendingPathComponent("evil").path))
    let badLang = try await PluginDevCLI.run(["new", "kv", "p2", "--lang", "cobol", "--dir", dir.path])
    #expect(badLang.status != .exited(0))
    let text = badLang.stderr.joined(separator: "\n")
    #expect(text.contains("python") && text.contains("swift") && text.contains("go"), "\(badLang.transcript)")
    let list = try await PluginDevCLI.run(["templates"])
    #expect(list.stdout.joined(separator: "\n").contains("kv"), "\(list.transcript)")
  }
}
