import Foundation
import PluginProtocol
import Testing

@testable import PluginHost

@Suite("PluginManifest")
struct PluginManifestTests {
  @Test func fullManifest() throws {
    let text = """
      {"name": "kv", "build": "make", "command": [".venv/bin/python", "plugin.py"],
       "environment": {"A": "1"},
       "handshake": {"protocolVersions": [5, 6], "magicCookieKey": "K", "magicCookieValue": "V"}}
      """
    let manifest = try PluginManifest.parse(Data(text.utf8), file: "plugin.json")
    #expect(manifest.build == .shell("make"))
    #expect(manifest.command == .arguments([".venv/bin/python", "plugin.py"]))
    #expect(
      manifest.effectiveHandshake
        == HandshakeConfig(protocolVersions: [5, 6], magicCookieKey: "K", magicCookieValue: "V"))
    let (exe, args) = manifest.command.launchArguments(in: URL(fileURLWithPath: "/p/kv"))
    #expect(exe == "/p/kv/.venv/bin/python")
    #expect(args == ["plugin.py"])
  }

  @Test func minimalManifestDefaultsToTheKVExample() throws {
    let manifest = try PluginManifest.parse(Data(#"{"command": "./kv"}"#.utf8), file: "plugin.json")
    #expect(manifest.effectiveHandshake == .kvExample)
    #expect(manifest.command.launchArguments(in: URL(fileURLWithPath: "/p")) == ("/bin/sh", ["-c", "./kv"]))
  }

  @Test(
    "bad manifests name the file, the place and the fix",
    arguments: [
      ("{\"command\": [\"a\"],\n  \"build\": }", "plugin.json, line 2"),
      ("{}", "the field \"command\" is missing"),
      ("{\"command\": 3}", "the field \"command\" has the wrong type"),
      ("{\"command\": []}", "\"command\" is empty"),
      (
        "{\"command\": \"x\", \"handshake\": {\"protocolVersions\": [], \"magicCookieKey\": \"K\", \"magicCookieValue\": \"V\"}}",
        "protocolVersions is empty"
      ),
      (
        "{\"command\": \"x\", \"handshake\": {\"protocolVersions\": [1]}}",
        "the field \"handshake.magicCookieKey\" is missing"
      ),
    ])
  func errors(text: String, message: String) {
    do {
      _ = try PluginManifest.parse(Data(text.utf8), file: "plugin.json")
      Issue.record("accepted \(text)")
    } catch {
      #expect(error.description.contains(message), "\(error.description)")
      #expect(error.description.hasPrefix("plugin.json"))
    }
  }

  @Test func missingFile() {
    #expect(throws: PluginManifestError.self) {
      try PluginManifest.load(from: URL(fileURLWithPath: "/nonexistent-folder"))
    }
  }
}

@Suite("PluginTarget")
struct PluginTargetTests {
  @Test(
    "a command line is named after its script",
    arguments: [
      (["python3", "plugin.py"], "plugin.py"), (["/usr/bin/python3.11", "-u", "/x/kv.py"], "kv.py"),
      (["./kv-plugin", "--flag"], "kv-plugin"), (["sh"], "sh"),
    ])
  func names(arguments: [String], name: String) {
    #expect(PluginTarget.commandLine(arguments).name == name)
  }

  @Test func missingTargetsAreExplained() {
    #expect(throws: PluginTargetError.notFound("/no/such/plugin")) { try PluginTarget.resolve("/no/such/plugin") }
  }
}
