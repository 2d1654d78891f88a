import PluginProtocol
import Testing

@testable import PluginHost

@Suite("environment display")
struct EnvironmentDisplayTests {
  @Test func pemBecomesOneShortLine() {
    let pem = "-----BEGIN CERTIFICATE-----\nMIIB\nAAAA\n-----END CERTIFICATE-----\n"
    #expect(PluginEnvironment.displayValue(pem) == "<PEM CERTIFICATE, \(pem.utf8.count) bytes>")
  }

  @Test func otherValuesKeepTheirTextOnOneLine() {
    #expect(PluginEnvironment.displayValue("hello") == "hello")
    #expect(PluginEnvironment.displayValue("a\nb\r\nc") == "a⏎b⏎c")
  }
}
