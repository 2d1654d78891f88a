import Foundation
import GRPCCore
import PluginHost
import PluginProtocol
import TestSupport
import Testing

/// A plugin under test and the network it listens on.
struct PluginUnderTest: CustomTestStringConvertible, Sendable {
  var name: String
  var network: String
  var launch: PluginProcess.Launch {
    name == "kv-swift" ? Fixtures.kvSwift(network: network) : Fixtures.kvPython(network: network)
  }
  var testDescription: String { "\(name) over \(network)" }

  static let all: [PluginUnderTest] = [
    .init(name: "kv-swift", network: "unix"), .init(name: "kv-swift", network: "tcp"),
    .init(name: "kv-python", network: "tcp"), .init(name: "kv-python", network: "unix"),
  ]
}

/// The example plugins, run as a go-plugin host runs them, over real sockets.
@Suite("Example KV plugins", .timeLimit(.minutes(2)))
struct KVPluginTests {
  @Test("handshake, health, put/get, refusals and Shutdown", arguments: PluginUnderTest.all)
  func fullSession(_ plugin: PluginUnderTest) async throws {
    let dir = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let running = try await RunningPlugin.start(
      plugin.launch, workingDirectory: dir, removedEnvironment: ["PYTHONUNBUFFERED"])
    let connection = try running.connect()

    #expect(running.handshake.coreVersion == 1)
    #expect(running.handshake.appVersion == 1)
    #expect(running.handshake.network.rawValue == plugin.network)
    #expect(running.handshake.protocolName == "grpc")
    if plugin.network == "tcp" {
      let port = Int(running.handshake.address.split(separator: ":").last ?? "") ?? 0
      #expect((10000...25000).contains(port), "port \(port) outside PLUGIN_MIN_PORT..PLUGIN_MAX_PORT")
    }
    #expect(try await connection.health.check() == .serving)

    let binary = Data((0..<256).map { UInt8($0) })
    let big = Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
    for (key, value) in [("text", Data("hej ✓".utf8)), ("binary", binary), ("empty", Data()), ("big", big)] {
      try await connection.kv.put(key, value)
      #expect(try await connection.kv.get(key) == value, "round trip of \(key)")
      let stored = try Data(contentsOf: dir.appendingPathComponent("kv_\(key)"))
      #expect(stored == value, "file for \(key) holds the exact bytes")
    }

    await #expect(throws: RPCError.self) { try await connection.kv.get("missing") }
    do {
      _ = try await connection.kv.get("missing")
    } catch let error as RPCError {
      #expect(error.code == .notFound)
      #expect(error.message == "no value for key 'missing'")
    }

    for key in ["../x", "/etc/passwd", "", "a\u{0}b", ".."] {
      do {
        try await connection.kv.put(key, Data("evil".utf8))
        Issue.record("put accepted key \(key.debugDescription)")
      } catch let error as RPCError {
        #expect(error.code == .invalidArgument, "key \(key.debugDescription): \(error)")
      }
    }
    #expect(!FileManager.default.fileExists(atPath: dir.deletingLastPathComponent().appendingPathComponent("x").path))

    // Shutdown makes the plugin exit by itself, with status 0 (not killed). The wait is for that
    // exit; its 10 s bound is for a loaded CI machine (the example takes well under go-plugin's 2 s
    // grace when the machine is idle; `check`'s shutdown.exit times it against that grace).
    try await connection.shutdownPlugin()
    let status = await running.process.waitForExit(timeout: .seconds(10))
    await connection.close()
    #expect(status == .exited(0), "plugin did not exit 0 within 10 s of Shutdown (\(String(describing: status)))")
    if status == nil { await running.kill() }
    #expect(running.strayStdout.isEmpty, "stdout after the handshake: \(running.strayStdout)")
    for line in running.stderr where line.hasPrefix("{") {
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      #expect(
        object?["@level"] is String && object?["@message"] is String && object?["@timestamp"] is String,
        "hclog line \(line)")
    }
  }

  @Test("without the cookie the plugin exits 1 with go-plugin's message", arguments: ["kv-swift", "kv-python"])
  func refusesWithoutCookie(_ name: String) async throws {
    let plugin = PluginUnderTest(name: name, network: name == "kv-swift" ? "unix" : "tcp")
    var launch = plugin.launch
    launch.environment.merge(RunningPlugin.hostEnvironment()) { own, _ in own }
    launch.environment["BASIC_PLUGIN"] = nil
    launch.removedEnvironment = ["BASIC_PLUGIN"]
    let process = try await PluginProcess.start(launch)
    let output = OutputCollector(process: process)
    let status = await process.waitForExit(timeout: .seconds(20))
    await output.finished()
    #expect(status == .exited(1))
    #expect(output.stdout.isEmpty)
    #expect(
      output.stderr.prefix(3) == [
        "This binary is a plugin. These are not meant to be executed directly.",
        "Please execute the program that consumes these plugins, which will",
        "load any plugins automatically",
      ])
    if status == nil { await process.kill() }
  }

  @Test(
    "a version the plugin does not speak is answered with its lowest, which the host refuses",
    arguments: ["kv-swift", "kv-python"])
  func versionMismatch(_ name: String) async throws {
    let plugin = PluginUnderTest(name: name, network: name == "kv-swift" ? "unix" : "tcp")
    let dir = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let running = try await RunningPlugin.start(
      plugin.launch, workingDirectory: dir,
      environment: RunningPlugin.hostEnvironment(["PLUGIN_PROTOCOL_VERSIONS": "2,3"]))
    #expect(running.handshake.appVersion == 1)
    #expect(throws: HandshakeError.incompatibleAppVersion(1, offered: [2, 3])) {
      try HandshakeLine.parse(running.handshake.formatted, expecting: .init(offeredVersions: [2, 3]))
    }
    await running.kill()
  }

  @Test("a tcp plugin stays inside the host's port range", arguments: ["kv-swift", "kv-python"])
  func portRange(_ name: String) async throws {
    let dir = try Fixtures.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let low = 23000 + Int.random(in: 0..<1000)
    // Occupy the first port so the plugin must move on to the next one.
    let blocker = try TCPPortBlocker(port: low)
    defer { blocker.close() }
    let running = try await RunningPlugin.start(
      PluginUnderTest(name: name, network: "tcp").launch, workingDirectory: dir,
      environment: RunningPlugin.hostEnvironment(["PLUGIN_MIN_PORT": "\(low)", "PLUGIN_MAX_PORT": "\(low + 5)"]))
    #expect(running.handshake.address == "127.0.0.1:\(low + 1)")
    await running.kill()
  }
}
