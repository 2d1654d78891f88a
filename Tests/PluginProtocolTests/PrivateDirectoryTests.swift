import Foundation
import Testing

@testable import PluginProtocol

/// Temp folders nobody else can predict or enter, and a store that never follows a planted link.
@Suite("PrivateDirectory and the file store")
struct PrivateDirectoryTests {
  @Test func foldersAreUnguessableAndPrivate() throws {
    let first = try PrivateDirectory.make(prefix: "plugin-dev-test-")
    let second = try PrivateDirectory.make(prefix: "plugin-dev-test-")
    defer {
      first.remove()
      second.remove()
    }
    #expect(first.path != second.path)
    #expect(first.path.hasPrefix(PrivateDirectory.temporaryBase + "/plugin-dev-test-"))
    for directory in [first, second] {
      let attributes = try FileManager.default.attributesOfItem(atPath: directory.path)
      #expect(attributes[.posixPermissions] as? Int == 0o700)
      #expect(attributes[.type] as? FileAttributeType == .typeDirectory)
    }
    first.remove()
    #expect(!FileManager.default.fileExists(atPath: first.path))
  }

  @Test func theStoreNeverFollowsAPlantedLink() async throws {
    let store = try PrivateDirectory.make(prefix: "plugin-dev-test-")
    let elsewhere = try PrivateDirectory.make(prefix: "plugin-dev-test-")
    defer {
      store.remove()
      elsewhere.remove()
    }
    try Data("secret".utf8).write(to: URL(fileURLWithPath: elsewhere.appending("secret")))
    try FileManager.default.createSymbolicLink(
      atPath: store.appending("kv_planted"), withDestinationPath: elsewhere.appending("secret"))
    let kv = FileKVStore(directory: URL(fileURLWithPath: store.path))
    await #expect(throws: KVError.self) { _ = try await kv.get(key: "planted") }
    // A put replaces the link itself; the file it pointed to is untouched.
    try await kv.put(key: "planted", value: Data("mine".utf8))
    #expect(try String(contentsOfFile: elsewhere.appending("secret"), encoding: .utf8) == "secret")
    #expect(try await kv.get(key: "planted") == Data("mine".utf8))
  }
}
