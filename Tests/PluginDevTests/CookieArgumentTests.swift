import Testing

@testable import plugin_dev

@Suite("--cookie's argument")
struct CookieArgumentTests {
  @Test(arguments: [
    ("TF_PLUGIN_MAGIC_COOKIE=d602bf8f", "TF_PLUGIN_MAGIC_COOKIE", "d602bf8f"),
    ("hello", nil, "hello"), ("K=", "K", ""), ("_x1=a=b", "_x1", "a=b"),
    ("=v", nil, "=v"), ("1K=v", nil, "1K=v"), ("a-b=c", nil, "a-b=c"),
  ])
  func splits(_ text: String, _ key: String?, _ value: String) {
    let split = HostArguments.splitCookie(text)
    #expect(split.key == key && split.value == value)
  }
}
