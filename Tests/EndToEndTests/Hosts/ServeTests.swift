import Foundation
import PluginHost
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `run --serve`: a genuine go-plugin 1.0.1 host reattaches (ClientConfig.Reattach, Tests/Fixtures/gohost
/// `-reattach`) with the config plugin-dev prints, reaches the plugin through the tap (its frames
/// are marked as the host's), and the plugin stays up after the host exits; the console works beside it.
@Suite("run --serve: a real host through the tap", .enabled(if: GoToolchain.shouldTest), .timeLimit(.minutes(4)))
struct ServeTests {
  @Test(arguments: [false, true])
  func aGoHostReattachesThroughTheTap(autoMTLS: Bool) async throws {
    try #require(GoToolchain.isAvailable, "Go or Debian's go-plugin sources are missing: \(GoToolchain.installHint)")
    let host = try await GoToolchain.kvHost()
    let store = try Fixtures.temporaryDirectory("plugin-dev-serve-store")
    let process = try await PluginDevCLI.start(
      ["run", "--headless", "--json", "--serve", "--exec", "put mine console"] + (autoMTLS ? ["--auto-mtls"] : [])
        + ["--", Fixtures.executable("kv-swift")],
      environment: ["KV_STORE_DIR": store.path])
    let output = OutputCollector(process: process)
    let serveLine = try #require(try await output.line(containing: "\"event\":\"serve\""), "\(output.stderr)")
    let serve = try #require(try JSONSerialization.jsonObject(with: Data(serveLine.utf8)) as? [String: Any])
    let reattach = try #require(serve["reattach"] as? [String: Any])
    #expect(reattach["Protocol"] as? String == "grpc")
    #expect(reattach["ProtocolVersion"] as? Int == 1)
    #expect((reattach["Addr"] as? [String: Any])?["Network"] as? String == "unix")
    #expect((serve["tls"] as? String)?.contains("mutual TLS") == autoMTLS)
    let json = String(decoding: try JSONSerialization.data(withJSONObject: reattach), as: UTF8.self)

    let run = try await PluginProcess.start(
      .init(executable: host, arguments: ["-reattach", json, "-key", "reattached", "-value", "through the tap"]))
    let hostOutput = OutputCollector(process: run)
    let status = await run.waitForExit(timeout: .seconds(60))
    await hostOutput.finished()
    let transcript =
      "host:\n\(hostOutput.stdout.joined(separator: "\n"))\n\(hostOutput.stderr.suffix(30).joined(separator: "\n"))"
    #expect(status == .exited(0), "\(transcript)")
    #expect(hostOutput.stdout == ["get reattached = through the tap", "ping ok"], "\(transcript)")

    // The host's calls are in plugin-dev's frame log, on the host's connection.
    let hostFrame = try await output.line { line in
      line.contains("\"hostConnection\"") && line.contains("/proto.KV/Put")
    }
    #expect(hostFrame != nil, "no frame of the host's Put in \(output.stdout.suffix(20))")
    // The plugin stays up after the host left; the console still answers.
    let pid = try #require(serve["pid"] as? Int)
    #expect(PluginDevCLI.isAlive(Int32(pid)))
    #expect(!output.stdout.contains { $0.contains("\"event\":\"exited\"") }, "the plugin must outlive the host")
    let console = try await output.line { $0.contains("\"command\":\"put mine console\"") }
    #expect(console?.contains("\"ok\":true") == true, "\(console ?? "no console call")")

    kill(process.pid, SIGTERM)
    #expect(await process.waitForExit(timeout: .seconds(20)) == .exited(0))
    await output.finished()
    #expect(!PluginDevCLI.isAlive(Int32(pid)), "stopping plugin-dev stops the plugin")
  }

  @Test func terraformsLineNeedsTheProviderAddress() async throws {
    let result = try await PluginDevCLI.run(
      [
        "run", "--headless", "--serve", "--host", "terraform", "--provider-address", "registry.terraform.io/test/notes",
        "--for", "1s", "--no-frames", "--",
      ] + Fixtures.terraformProvider)
    let export = result.stdout.first { $0.contains("export TF_REATTACH_PROVIDERS=") }
    #expect(
      export?.contains(#"'{"registry.terraform.io/test/notes":{"Protocol":"grpc","ProtocolVersion":6,"#) == true,
      "\(result.transcript)")
    #expect(result.stdout.contains { $0.contains("TLS: the host connects without TLS") }, "\(result.transcript)")
    let refused = try await PluginDevCLI.run(["run", "--headless", "--serve", "--no-tap", "--", "true"])
    #expect(refused.status == .exited(64))
    #expect(refused.stderr.joined().contains("--serve points a host at the tap"), "\(refused.transcript)")
  }
}
