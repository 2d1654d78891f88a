import Foundation
import PluginHost
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `--host NAME|FILE` against real plugins: the Terraform provider on PyPI's `tf` runs and checks
/// as Terraform runs it; a team's own profile file and plugin.json's "host" give a plugin its
/// host's cookie; `hosts` lists the built-in profiles; wrap names its host.
@Suite("host profiles, end to end", .timeLimit(.minutes(4)))
struct HostProfileEndToEndTests {
  static let inventory = Fixtures.packageRoot.appendingPathComponent("Examples/inventory-python/plugin.py").path

  /// Terraform sends its cookie, offers 5 and 6, turns AutoMTLS on and never checks health: the
  /// provider (no health service) is shown once, without a failure, and `services` lists no proto.KV.
  @Test func theTerraformProviderRunsAsTerraformRunsIt() async throws {
    let process = try await PluginDevCLI.start(
      ["run", "--headless", "--json", "--host", "terraform", "--"] + Fixtures.terraformProvider,
      workingDirectory: try Fixtures.temporaryDirectory())
    let output = OutputCollector(process: process)
    // The one health check is made after connecting; its note comes after its answer.
    let note = try await output.line(containing: "never calls grpc.health.v1.Health")
    #expect(note?.contains("terraform never calls grpc.health.v1.Health") == true, "\(output.stdout)")
    kill(process.pid, SIGTERM)
    let status = await process.waitForExit(timeout: .seconds(20))
    await output.finished()
    let result = PluginDevCLI.Result(status: status, stdout: output.stdout, stderr: output.stderr)
    #expect(result.status == .exited(0), "\(result.transcript)")
    let started = result.events("started").first
    #expect(started?["host"] as? String == "terraform", "\(result.transcript)")
    let environment = started?["environment"] as? [String: String] ?? [:]
    #expect(environment["TF_PLUGIN_MAGIC_COOKIE"] == "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2")
    #expect(environment["PLUGIN_PROTOCOL_VERSIONS"] == "5,6")
    #expect(environment["PLUGIN_CLIENT_CERT"] != nil, "Terraform turns AutoMTLS on")
    #expect(environment["BASIC_PLUGIN"] == nil)
    #expect(result.events("handshake").first?["app"] as? Int == 6, "\(result.transcript)")
    #expect(result.events("handshake-failed").isEmpty, "\(result.transcript)")
    #expect(result.events("health").count == 1, "one check, then none: \(result.transcript)")
  }

  /// `services` lists what the plugin serves as far as plugin-dev knows: no proto.KV, which is not Terraform's.
  @Test func servicesLeavesOutKV() async throws {
    let result = try await PluginDevCLI.run(
      ["run", "--headless", "--json", "--no-frames", "--host", "terraform", "--exec", "services", "--"]
        + Fixtures.terraformProvider)
    let services = result.events("call").first { $0["command"] as? String == "services" }
    #expect(services?["code"] as? String == "ok", "\(result.transcript)")
    #expect(!(result.stdout.joined().contains("proto.KV")), "proto.KV is not Terraform's: \(result.transcript)")
  }

  /// In text: no FAILED line anywhere, and the start names its host profile.
  @Test func theTerraformProviderShowsNoFailure() async throws {
    let result = try await PluginDevCLI.run(
      ["run", "--headless", "--no-frames", "--host", "terraform", "--exec", "health", "--"]
        + Fixtures.terraformProvider)
    #expect(result.status == .exited(1), "the console's own health call fails (no health service)")
    #expect(result.stdout.contains { $0.hasPrefix("started ") && $0.contains("(host profile terraform)") })
    #expect(!result.stdout.contains { $0.contains("FAILED") }, "\(result.transcript)")
  }

  @Test func checkAsTerraformPassesWhatTerraformNeeds() async throws {
    let result = try await PluginDevCLI.run(
      ["check", "--json", "--host", "terraform", "--"] + Fixtures.terraformProvider, timeout: .seconds(180))
    let summary = result.events("summary").first
    // shutdown.exit is go-plugin's 2 s after Shutdown: a Python interpreter on a loaded machine can
    // take longer, which the check then reports (a real finding, not what this test is about).
    let failed = Set(summary?["failedChecks"] as? [String] ?? ["?"])
    #expect(failed.isSubset(of: ["shutdown.exit"]), "\(result.transcript)")
    #expect(result.status == (failed.isEmpty ? .exited(0) : .exited(1)), "\(result.transcript)")
    #expect(summary?["host"] as? String == "terraform", "\(result.transcript)")
    #expect(
      summary?["notNeeded"] as? [String] == ["health.serving", "kv.roundtrip", "broker.stream"], "\(result.transcript)")
    let checks = Dictionary(
      result.events("check").compactMap { event in
        (event["id"] as? String).map { ($0, event["status"] as? String ?? "") }
      }, uniquingKeysWith: { first, _ in first })
    #expect(checks["handshake.cert"] == "pass", "the main run sends PLUGIN_CLIENT_CERT, as Terraform does")
    #expect(checks["tls.auto-mtls"] == "pass", "\(result.transcript)")
    #expect(checks["health.serving"] == "skip", "\(result.transcript)")
    #expect(checks["controller.shutdown"] == "pass", "\(result.transcript)")
  }

  /// Without --host the same provider fails handshake.cert: a generic host sends no certificate,
  /// and the provider prints one anyway.
  @Test func checkAsAGenericHostFlagsTheCertificate() async throws {
    let result = try await PluginDevCLI.run(
      ["check", "--json", "--versions", "6", "--cookie", "TF_PLUGIN_MAGIC_COOKIE=x", "--"] + Fixtures.terraformProvider,
      timeout: .seconds(180))
    let cert = result.events("check").first { $0["id"] as? String == "handshake.cert" }
    #expect(cert?["status"] as? String == "fail", "\(result.transcript)")
    #expect(result.events("summary").first?["host"] is NSNull, "\(result.transcript)")
  }

  /// A team's own profile, named by plugin.json's "host" (relative to the folder): the plugin gets
  /// its cookie; `--host` on the command line wins over it.
  @Test func aTeamsOwnProfileFromPluginJSON() async throws {
    let folder = try Fixtures.temporaryDirectory()
    try #"{"name": "stockroom", "cookie": {"key": "INVENTORY_PLUGIN", "value": "stock"}, "protocolVersions": [1]}"#
      .write(to: folder.appendingPathComponent("stockroom.json"), atomically: true, encoding: .utf8)
    let manifest = #"{"command": ["\#(Fixtures.python)", "\#(Self.inventory)"], "host": "./stockroom.json"}"#
    try manifest.write(to: folder.appendingPathComponent("plugin.json"), atomically: true, encoding: .utf8)
    let result = try await PluginDevCLI.run(["run", "--headless", "--json", "--exec", "health", folder.path])
    #expect(result.status == .exited(0), "\(result.transcript)")
    let started = result.events("started").first
    #expect(started?["host"] as? String == "stockroom")
    #expect((started?["environment"] as? [String: String])?["INVENTORY_PLUGIN"] == "stock", "\(result.transcript)")
    let health = result.events("call").first { $0["command"] as? String == "health" }
    #expect(health?["code"] as? String == "ok", "the console's health call: \(result.transcript)")

    let overridden = try await PluginDevCLI.run(
      ["run", "--headless", "--json", "--host", "go-plugin-examples", "--timeout", "3s", folder.path])
    #expect(overridden.events("started").first?["host"] as? String == "go-plugin-examples")
    #expect(!overridden.events("handshake-failed").isEmpty, "the inventory plugin refuses BASIC_PLUGIN")
  }

  @Test func hostsListsTheBuiltInProfilesAndRefusesAnUnknownOne() async throws {
    let list = try await PluginDevCLI.run(["hosts"])
    #expect(list.status == .exited(0))
    for name in ["terraform", "grafana", "vault", "boundary", "nomad", "go-plugin-examples"] {
      #expect(list.stdout.contains { $0.hasPrefix(name + " ") }, "\(name) in \(list.transcript)")
    }
    let one = try await PluginDevCLI.run(["hosts", "vault"])
    let data = Data(one.stdout.joined(separator: "\n").utf8)
    #expect((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["broker"] as? Bool == true)
    let unknown = try await PluginDevCLI.run(["run", "--headless", "--host", "terraforms", "--", "true"])
    #expect(unknown.status == .exited(64), "\(unknown.transcript)")
    #expect(unknown.stderr.joined().contains("no host profile named \"terraforms\""), "\(unknown.transcript)")
    let broken = try Fixtures.temporaryDirectory().appendingPathComponent("broken.json")
    try "{".write(to: broken, atomically: true, encoding: .utf8)
    let invalid = try await PluginDevCLI.run(["env", "--host", broken.path, "--", "true"])
    #expect(invalid.status == .exited(64))
    #expect(invalid.stderr.joined().contains("\(broken.path): not a usable host profile"), "\(invalid.transcript)")
  }

  /// `env --host grafana` prints what Grafana sets: its cookie, version 2 and GF_VERSION.
  @Test func envPrintsTheHostsVariables() async throws {
    let json = try await PluginDevCLI.run(["env", "--json", "--host", "grafana", "--", "./my-plugin"])
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(json.stdout.joined().utf8)) as? [String: Any], "\(json.transcript)")
    #expect(object["host"] as? String == "grafana")
    let environment = object["environment"] as? [String: String] ?? [:]
    #expect(environment["grafana_plugin_type"] == "datasource" && environment["PLUGIN_PROTOCOL_VERSIONS"] == "2")
    #expect(environment["GF_VERSION"] != nil, "\(environment)")
    let text = try await PluginDevCLI.run(["env", "--host", "grafana", "--", "./my-plugin"])
    #expect(text.stdout.first == "# what grafana gives my-plugin (--host grafana); then start it yourself:")
    #expect(text.stdout.contains("export grafana_plugin_type='datasource'"), "\(text.transcript)")
  }

  /// `wrap --host terraform` names its host in the log, and says so when the host's cookie is missing.
  @Test func wrapNamesItsHost() async throws {
    let log = try Fixtures.temporaryDirectory().appendingPathComponent("wrap.jsonl")
    let process = try await PluginDevCLI.start(
      ["wrap", "--host", "terraform", "--log", log.path, "--", Fixtures.executable("kv-swift")],
      environment: ["BASIC_PLUGIN": "hello", "PLUGIN_PROTOCOL_VERSIONS": "1"])
    let output = OutputCollector(process: process)
    let note = try await output.line(.stderr) { $0.contains("did not send terraform's cookie") }
    #expect(note != nil, "\(output.stderr)")
    _ = try await output.line { $0.hasPrefix("1|1|") }
    await process.kill()
    await output.finished()
    let view = try await PluginDevCLI.run(["view", "--headless", "--json", log.path])
    #expect(view.events("started").first?["host"] as? String == "terraform", "\(view.transcript)")
  }
}
