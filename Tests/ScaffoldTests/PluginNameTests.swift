import Testing

@testable import Scaffold

@Suite("PluginName")
struct PluginNameTests {
  @Test(arguments: ["kv-plugin", "kv", "K", "my_plugin2", "A-b_C-9", String(repeating: "a", count: 64)])
  func acceptsGoodNames(_ name: String) throws {
    #expect(try PluginName(name).value == name)
  }

  /// Bad names and a piece of the message each must produce.
  static let badNames: [(String, String)] = [
    ("", "the plugin name is empty"),
    ("a/b", "path separator '/'"),
    ("../evil", "path separator '/'"),
    ("a\\b", "path separator '\\'"),
    ("kv.plugin", "contains '.'"),
    ("..", "contains '.'"),
    ("9lives", "must start with a letter, not '9'"),
    ("-kv", "must start with a letter, not '-'"),
    ("_kv", "must start with a letter, not '_'"),
    ("kv plugin", "U+0020 (a space)"),
    ("kv\tplugin", "U+0009"),
    ("kv$", "contains '$'"),
    ("kv;rm", "contains ';'"),
    ("ünïcode", "must start with a letter, not 'ü'"),
    ("kvé", "contains 'é'"),
    (String(repeating: "a", count: 65), "65 characters long; the limit is 64"),
  ]

  @Test(arguments: badNames)
  func refusesBadNamesWithAClearMessage(_ name: String, _ expected: String) {
    let error = ScaffoldFixtures.error { _ = try PluginName(name) }
    guard case .invalidName(let given, _)? = error else {
      Issue.record("\(name.debugDescription) was accepted or failed differently: \(String(describing: error))")
      return
    }
    #expect(given == name)
    let message = error?.description ?? ""
    #expect(message.contains(expected), "\(message)")
    if !name.isEmpty {
      #expect(message.contains("kv-plugin"), "the message shows a good example")
    }
  }

  @Test(arguments: [
    ("kv-plugin", "kv_plugin", "KvPlugin"),
    ("kv", "kv", "Kv"),
    ("my_KV-thing2", "my_KV_thing2", "MyKVThing2"),
    ("a--b__c", "a__b__c", "ABC"),
  ])
  func derivesIdentifierForms(_ name: String, _ module: String, _ type: String) throws {
    let plugin = try PluginName(name)
    #expect(plugin.moduleName == module)
    #expect(plugin.typeName == type)
  }
}
