import Testing

@testable import PluginProtocol

@Suite("KVKey")
struct KVKeyTests {
  @Test(
    "keys that could escape the folder are refused",
    arguments: [
      "", ".", "..", "../x", "/etc/passwd", "a/b", "a\\b", "a\u{0}b", String(repeating: "k", count: 201),
    ])
  func refused(_ key: String) {
    #expect(throws: KVError.self) { try KVKey.validate(key) }
  }

  @Test(
    "ordinary keys are accepted",
    arguments: ["a", "hello world", "ключ", "..a", "a..", String(repeating: "k", count: 200)])
  func accepted(_ key: String) throws {
    #expect(try KVKey.fileName(for: key) == "kv_" + key)
  }

  @Test func messages() {
    #expect(
      KVError.invalidKey("../x", reason: "keys may not contain '/'").description
        == "invalid key \"../x\": keys may not contain '/'")
    #expect(KVError.notFound("a").description == "no value for key 'a'")
  }
}
