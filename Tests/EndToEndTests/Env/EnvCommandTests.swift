import AutoMTLS
import Foundation
import PluginHost
import PluginProtocol
import Relay
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// `plugin-dev env`: a plugin started by hand with what it prints behaves as under a host
/// (issue #15 item 1).
@Suite("env: the host's environment for a plugin started by hand", .timeLimit(.minutes(3)))
struct EnvCommandTests {
  /// Starts `launch`, takes its first stdout line as the handshake, and checks it as a host with `environment` would.
  static func handshake(_ launch: PluginProcess.Launch, environment: [String: String]) async throws -> (
    PluginProcess, OutputCollector, HandshakeLine
  ) {
    let process = try await PluginProcess.start(launch)
    let output = OutputCollector(process: process)
    let first = await output.firstStdoutLine(timeout: .seconds(60))
    let text = try #require(first, "no handshake; stderr:\n\(output.stderr.joined(separator: "\n"))")
    let line = try HandshakeLine.parse(text, expecting: PluginEnvironment(reading: environment).expectations())
    return (process, output, line)
  }

  static func putGet(_ connection: PluginConnection) async throws {
    try await connection.kv.put("env", Data("by hand".utf8), timeout: .seconds(15))
    #expect(try await connection.kv.get("env", timeout: .seconds(15)) == Data("by hand".utf8))
  }

  static func stop(_ process: PluginProcess, _ output: OutputCollector, via connection: PluginConnection) async {
    try? await connection.shutdownPlugin(timeout: .seconds(5))
    if await process.waitForExit(timeout: .seconds(10)) == nil { await process.kill() }
    await connection.close()
    await output.finished()
  }

  /// `eval "$(plugin-dev env …)"` in a shell, then the plugin: the Python KV plugin passes its
  /// cookie check, negotiates, and serves put/get.
  @Test func shellLinesStartAWorkingPlugin() async throws {
    let folder = try Fixtures.temporaryDirectory("plugin-dev-env")
    defer { try? FileManager.default.removeItem(at: folder) }
    let plugin = Fixtures.packageRoot.appendingPathComponent("Examples/kv-python/plugin.py").path
    let script =
      "eval \"$(\"$0\" env --versions 1 --min-port 20100 --max-port 20199 -- \"$1\" \"$2\")\" && exec \"$1\" \"$2\""
    let launch = PluginProcess.Launch(
      executable: "/bin/sh", arguments: ["-c", script, PluginDevCLI.executable, Fixtures.python, plugin],
      environment: ["KV_STORE_DIR": folder.path, "PYTHONUNBUFFERED": "1"], removedEnvironment: ["BASIC_PLUGIN"])
    let expected = ["BASIC_PLUGIN": "hello", "PLUGIN_PROTOCOL_VERSIONS": "1"]
    let (process, output, line) = try await Self.handshake(launch, environment: expected)
    #expect(line.network == .tcp)
    let port = Int(line.address.split(separator: ":").last ?? "") ?? 0
    #expect((20100...20199).contains(port), "port \(line.address) outside PLUGIN_MIN_PORT..PLUGIN_MAX_PORT")
    let connection = try PluginConnection(line: line)
    try await Self.putGet(connection)
    await Self.stop(process, output, via: connection)
  }

  /// `env --json --auto-mtls`: the Swift plugin started with that environment answers with its
  /// certificate, and the key and certificate env wrote are the host's: mutual TLS works with them.
  @Test func autoMTLSKeyFilesMatchTheCertificate() async throws {
    let folder = try Fixtures.temporaryDirectory("plugin-dev-env-mtls")
    defer { try? FileManager.default.removeItem(at: folder) }
    let keys = folder.appendingPathComponent("keys").path
    let run = try await PluginDevCLI.run(
      ["env", "--json", "--auto-mtls", "--mtls-dir", keys, "--", Fixtures.executable("kv-swift")])
    #expect(run.status == .exited(0), "\(run.transcript)")
    let object = try #require(run.events.first, "\(run.transcript)")
    let environment = try #require(object["environment"] as? [String: String])
    let removed = object["unset"] as? [String] ?? []
    let keyPath = try #require(object["clientKey"] as? String)
    let certificatePath = try #require(object["clientCertificate"] as? String)
    #expect(keyPath == keys + "/client-key.pem")
    let keyMode = try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int
    #expect(keyMode == 0o600)
    let certificatePEM = try String(contentsOfFile: certificatePath, encoding: .utf8)
    #expect(environment["PLUGIN_CLIENT_CERT"] == certificatePEM)
    let identity = try AutoMTLSIdentity(
      certificatePEM: certificatePEM, privateKeyPEM: try String(contentsOfFile: keyPath, encoding: .utf8))

    let command = try #require(object["command"] as? [String])
    let launch = PluginProcess.Launch(
      executable: command[0], arguments: Array(command.dropFirst()),
      environment: environment.merging(["KV_STORE_DIR": folder.path]) { _, given in given },
      removedEnvironment: removed)
    let (process, output, line) = try await Self.handshake(launch, environment: environment)
    let der = try #require(line.serverCertificateDER, "no certificate in field 6: \(line.formatted)")
    // plugin-dev's relay does the TLS with env's key; gRPC goes over the relay's unix socket.
    let relayFolder = try PrivateDirectory.make(prefix: "plugin-dev-env-relay-")
    defer { relayFolder.remove() }
    let relay = try await TapProxy.start(
      listen: .unix(path: relayFolder.appending("relay.sock")),
      target: TapProxy.Address(network: line.network, address: line.address),
      targetTLS: .init(
        context: try AutoMTLSContext.client(identity: identity, trustingServerCertificateDER: der),
        serverHostname: AutoMTLSContext.serverHostname), onBytes: { _, _, _ in }, onEvent: { _ in })
    let connection = try PluginConnection(network: .unix, address: relayFolder.appending("relay.sock"))
    try await Self.putGet(connection)
    await Self.stop(process, output, via: connection)
    await relay.close()
  }
}
