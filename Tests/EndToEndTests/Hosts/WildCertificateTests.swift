import Foundation
import PluginHost
import TestSupport
import Testing

/// A plugin's certificate with a 1024-bit RSA key, as PyPI's `tf` framework sends: Go's
/// `x509.ParseCertificate` accepts it, so the genuine go-plugin host loads the plugin, and run,
/// check and wrap must accept it too (they refused it: swift-certificates wants 2048 bits).
@Suite("certificates a Go host accepts", .serialized, .timeLimit(.minutes(5)))
struct WildCertificateTests {
  /// A self-signed `localhost` certificate with a 1024-bit RSA key, made here with openssl, as
  /// the environment of Tests/Fixtures/plugins/tls-rsa1024.py.
  static func rsa1024() async throws -> [String: String] {
    let folder = try Fixtures.temporaryDirectory("plugin-dev-rsa1024")
    let (cert, key) = (folder.appendingPathComponent("cert.pem").path, folder.appendingPathComponent("key.pem").path)
    let openssl = try await PluginProcess.start(
      .init(
        executable: "openssl",
        arguments: [
          "req", "-x509", "-newkey", "rsa:1024", "-nodes", "-keyout", key, "-out", cert, "-subj", "/CN=localhost",
          "-addext", "subjectAltName=DNS:localhost", "-days", "1",
        ]))
    let output = OutputCollector(process: openssl)
    let status = await openssl.waitForExit(timeout: .seconds(60))
    await output.finished()
    try #require(status == .exited(0), "openssl: \(output.stderr.joined(separator: "\n"))")
    return ["FIXTURE_TLS_CERT": cert, "FIXTURE_TLS_KEY": key]
  }

  static let plugin = [Fixtures.python, PluginDevCLI.fixture("tls-rsa1024.py")]

  /// The judge: go-plugin 1.0.1's client parses the certificate, dials TLS and calls the plugin.
  @Test(.enabled(if: GoToolchain.shouldTest)) func theGoHostLoadsIt() async throws {
    try #require(GoToolchain.isAvailable, "\(GoToolchain.installHint)")
    let environment = try await Self.rsa1024()
    let outcome = try await GoHostRun.run(
      ["/usr/bin/env"] + environment.map { "\($0.key)=\($0.value)" } + Self.plugin, autoMTLS: true)
    #expect(outcome.status == .exited(0), "\(outcome.transcript)")
    #expect(outcome.stdout == ["get greeting = hello from a Go host", "ping ok"], "\(outcome.transcript)")
  }

  @Test func runAcceptsItAndCallsOverTLS() async throws {
    let result = try await PluginDevCLI.run(
      ["run", "--headless", "--json", "--auto-mtls", "--exec", "put a hi", "--exec", "get a", "--"] + Self.plugin,
      environment: try await Self.rsa1024())
    #expect(result.status == .exited(0), "\(result.transcript)")
    #expect(result.events("handshake-failed").isEmpty, "\(result.transcript)")
    #expect(result.events("handshake").first?["address"] != nil, "\(result.transcript)")
    #expect(result.events("call").last?["result"] as? String == "hi", "\(result.transcript)")
  }

  @Test func checkPassesItsCertificate() async throws {
    let result = try await PluginDevCLI.run(
      ["check", "--"] + Self.plugin, environment: try await Self.rsa1024(), timeout: .seconds(120))
    #expect(result.status == .exited(0), "\(result.transcript)")
    #expect(!result.stdout.contains { $0.hasPrefix("FAIL") }, "\(result.transcript)")
    let tls = try #require(result.stdout.first { $0.contains("tls.auto-mtls") }, "\(result.transcript)")
    #expect(tls.contains("SERVING over mutual TLS"), "\(result.transcript)")
  }

  @Test(.enabled(if: GoToolchain.shouldTest)) func wrapRelaysItToTheGoHost() async throws {
    try #require(GoToolchain.isAvailable, "\(GoToolchain.installHint)")
    let folder = try Fixtures.temporaryDirectory("plugin-dev-rsa1024-wrap")
    defer { try? FileManager.default.removeItem(at: folder) }
    let log = folder.appendingPathComponent("w.jsonl").path
    let environment = try await Self.rsa1024()
    let outcome = try await GoHostRun.run(
      ["/usr/bin/env"] + environment.map { "\($0.key)=\($0.value)" }
        + [PluginDevCLI.executable, "wrap", "--log", log, "--"] + Self.plugin, autoMTLS: true)
    #expect(outcome.status == .exited(0), "\(outcome.transcript)")
    #expect(outcome.stdout == ["get greeting = hello from a Go host", "ping ok"], "\(outcome.transcript)")
    let events = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
    #expect(events.contains { $0.contains("\"event\":\"handshake\"") }, "\(events)")
    #expect(!events.contains { $0.contains("handshake-failed") }, "\(events)")
  }

  /// The plugin from the wild itself: a provider on PyPI's `tf`, started as Terraform would
  /// (protocol 6, AutoMTLS). Its handshake (`1|6|unix|…|grpc|CERT`, RSA 1024) is accepted and
  /// plugin-dev talks TLS to it.
  @Test func theTerraformProvidersHandshakeIsAccepted() async throws {
    let result = try await PluginDevCLI.run(
      ["run", "--headless", "--json", "--versions", "6", "--auto-mtls", "--exec", "health", "--"]
        + Fixtures.terraformProvider)
    #expect(result.events("handshake-failed").isEmpty, "\(result.transcript)")
    let handshake = try #require(result.events("handshake").first, "\(result.transcript)")
    #expect(handshake["network"] as? String == "unix", "\(result.transcript)")
    // The provider serves no health service: the TLS connection works and the call is answered.
    #expect(
      result.events("call").contains { ($0["code"] as? String ?? "").lowercased().contains("unimplemented") },
      "\(result.transcript)")
  }
}
