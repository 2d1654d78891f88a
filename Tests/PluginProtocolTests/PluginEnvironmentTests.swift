import Testing

@testable import PluginProtocol

@Suite("PluginEnvironment")
struct PluginEnvironmentTests {
  @Test func hostVariablesMatchTheKVExampleHost() {
    let env = PluginEnvironment.host(config: .kvExample)
    #expect(
      env.variables == [
        "BASIC_PLUGIN": "hello", "PLUGIN_MIN_PORT": "10000", "PLUGIN_MAX_PORT": "25000",
        "PLUGIN_PROTOCOL_VERSIONS": "1",
      ])
  }

  @Test func hostVariablesCanBeChanged() {
    let env = PluginEnvironment.host(
      config: .kvExample, includeCookie: false, protocolVersions: [2, 3], portRange: 1...2,
      clientCertificatePEM: "PEM", unixSocketDir: "/d", unixSocketGroup: "g")
    #expect(env["BASIC_PLUGIN"] == nil)
    #expect(env["PLUGIN_PROTOCOL_VERSIONS"] == "2,3")
    #expect(env["PLUGIN_UNIX_SOCKET_DIR"] == "/d")
    #expect(env["PLUGIN_UNIX_SOCKET_GROUP"] == "g")
    #expect(env["PLUGIN_MULTIPLEX_GRPC"] == nil)
    #expect(
      env.expectations()
        == HandshakeExpectations(
          offeredVersions: [2, 3], allowedProtocols: ["grpc"], clientCertificateSent: true, multiplexRequested: false))
    // A real host's request is still read (wrap sees it).
    #expect(PluginEnvironment(reading: ["PLUGIN_MULTIPLEX_GRPC": "true"]).expectations().multiplexRequested)
  }

  @Test func cookie() throws {
    try PluginEnvironment(reading: ["BASIC_PLUGIN": "hello"]).checkCookie(.kvExample)
    #expect(throws: PluginEnvironmentError.cookieMismatch) {
      try PluginEnvironment(reading: ["BASIC_PLUGIN": "nope"]).checkCookie(.kvExample)
    }
    #expect(throws: PluginEnvironmentError.cookieMismatch) {
      try PluginEnvironment(reading: [:]).checkCookie(.kvExample)
    }
    #expect(throws: PluginEnvironmentError.misconfiguredCookie) {
      try PluginEnvironment(reading: [:]).checkCookie(
        HandshakeConfig(protocolVersions: [1], magicCookieKey: "", magicCookieValue: ""))
    }
    #expect(
      PluginEnvironmentError.cookieMismatch.description.hasPrefix(
        "This binary is a plugin. These are not meant to be executed directly.\n"))
  }

  @Test(
    "negotiation picks the highest common version, else the lowest supported",
    arguments: [
      ("1", [1], 1, 0), ("5,6", [5, 6], 6, 0), ("6,5", [5], 5, 0), ("2,3", [1], 1, 0), ("x,1", [1], 1, 1),
      ("", [3, 4], 3, 0), ("1,,2", [2], 2, 1),
    ])
  func negotiation(offered: String, supported: [Int], expected: Int, invalidCount: Int) {
    let env = PluginEnvironment(reading: offered.isEmpty ? [:] : ["PLUGIN_PROTOCOL_VERSIONS": offered])
    let (version, invalid) = env.negotiateVersion(supported: supported)
    #expect(version == expected)
    #expect(invalid.count == invalidCount)
  }

  @Test func invalidVersionMessage() {
    let (_, invalid) = PluginEnvironment(reading: ["PLUGIN_PROTOCOL_VERSIONS": "x,1"]).negotiateVersion(supported: [1])
    #expect(invalid == ["server sent invalid plugin version \"x\""])
  }

  @Test func portRange() throws {
    #expect(try PluginEnvironment(reading: [:]).portRange() == 0...0)
    #expect(
      try PluginEnvironment(reading: ["PLUGIN_MIN_PORT": "10000", "PLUGIN_MAX_PORT": "25000"]).portRange()
        == 10000...25000)
    #expect(throws: PluginEnvironmentError.portRangeInverted(min: 3, max: 2)) {
      try PluginEnvironment(reading: ["PLUGIN_MIN_PORT": "3", "PLUGIN_MAX_PORT": "2"]).portRange()
    }
    do {
      _ = try PluginEnvironment(reading: ["PLUGIN_MIN_PORT": "abc", "PLUGIN_MAX_PORT": "2"]).portRange()
      Issue.record("accepted a bad port")
    } catch {
      #expect(
        error.description
          == "couldn't get value from PLUGIN_MIN_PORT: \"abc\": strconv.Atoi: parsing \"abc\": invalid syntax")
    }
  }
}
