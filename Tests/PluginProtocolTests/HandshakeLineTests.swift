import Foundation
import Testing

@testable import PluginProtocol

/// A line and what a go-plugin host (HEAD) says about it.
struct HandshakeCase: CustomTestStringConvertible, Sendable {
  var line: String
  var expectations = HandshakeExpectations()
  /// nil: accepted; otherwise the start of go-plugin's message (or of the hint when go-plugin has none).
  var expected: String?
  var testDescription: String { line.debugDescription }
}

let longCert = String(repeating: "A", count: 60)

let handshakeCases: [HandshakeCase] = [
  // Accepted.
  .init(line: "1|1|tcp|127.0.0.1:1234|grpc", expected: nil),
  .init(line: "1|1|unix|/tmp/plugin2908212597|grpc|", expected: nil),
  .init(line: "1|1|tcp|127.0.0.1:10000|grpc|\n", expected: nil),
  .init(line: "  1|1|tcp|127.0.0.1:1234|grpc\r\n", expected: nil),
  .init(line: "1|5|tcp|127.0.0.1:10000|grpc|", expectations: .init(offeredVersions: [5, 6]), expected: nil),
  .init(line: "1|1|unix|/tmp/p|grpc||true", expectations: .init(multiplexRequested: true), expected: nil),
  .init(line: "1|1|unix|/tmp/p|grpc||true", expected: nil),  // field 7 unrequested: ignored by HEAD
  .init(line: "1|1|tcp|127.0.0.1:1234|grpc|short-ignored", expected: nil),  // ≤ 50 chars: ignored
  .init(line: "+1|1|tcp|127.0.0.1:1234|grpc", expected: nil),  // Go's Atoi takes a sign
  .init(line: "1|1|tcp|localhost:1234|grpc", expected: nil),
  .init(line: "1|1|tcp|[::1]:1234|grpc", expected: nil),
  .init(
    line: "1|1|tcp|127.0.0.1:1234|netrpc", expectations: .init(allowedProtocols: ["netrpc", "grpc"]), expected: nil),
  // Rejected, with go-plugin's message.
  .init(line: "", expected: "Unrecognized remote plugin message: \nThis usually means"),
  .init(line: "starting up...", expected: "Unrecognized remote plugin message: starting up..."),
  .init(line: "2|unix|/var/folders/tf-plugin058175741", expected: "Unrecognized remote plugin message: 2|unix|"),
  .init(line: "1|1|tcp", expected: "Unrecognized remote plugin message: 1|1|tcp"),
  .init(
    line: "x|1|tcp|127.0.0.1:1234|grpc",
    expected: "error parsing core protocol version: strconv.Atoi: parsing \"x\": invalid syntax"),
  .init(
    line: "1 | 1 | tcp | 127.0.0.1:1 | grpc",
    expected: "error parsing core protocol version: strconv.Atoi: parsing \"1 \": invalid syntax"),
  .init(
    line: "2|1|tcp|127.0.0.1:1234|grpc",
    expected: "incompatible core API version with plugin. Plugin version: 2, Core version: 1"),
  .init(
    line: "99999999999999999999|1|tcp|a:1|grpc",
    expected: "error parsing core protocol version: strconv.Atoi: parsing \"99999999999999999999\": value out of range"),
  .init(
    line: "1|v1|tcp|127.0.0.1:1234|grpc",
    expected: "Error parsing protocol version \"v1\": strconv.Atoi: parsing \"v1\": invalid syntax"),
  .init(
    line: "1|9|tcp|127.0.0.1:1234|grpc",
    expected: "incompatible API version with plugin. Plugin version: 9, Client versions: [1]"),
  .init(
    line: "1|4|tcp|127.0.0.1:1234|grpc", expectations: .init(offeredVersions: [5, 6]),
    expected: "incompatible API version with plugin. Plugin version: 4, Client versions: [5 6]"),
  .init(line: "1|1|udp|127.0.0.1:1234|grpc", expected: "unknown address type: 127.0.0.1:1234"),
  .init(line: "1|1|TCP|127.0.0.1:1234|grpc", expected: "unknown address type: 127.0.0.1:1234"),
  .init(line: "1|1|tcp|127.0.0.1|grpc", expected: "address 127.0.0.1: missing port in address"),
  .init(line: "1|1|tcp|::1:1234|grpc", expected: "address ::1:1234: too many colons in address"),
  .init(line: "1|1|tcp|127.0.0.1:http2x|grpc", expected: "lookup tcp/http2x: unknown port"),
  .init(line: "1|1|tcp|127.0.0.1:1234", expected: "unsupported plugin protocol \"netrpc\". Supported: [grpc]"),
  .init(line: "1|1|tcp|127.0.0.1:1234|netrpc", expected: "unsupported plugin protocol \"netrpc\". Supported: [grpc]"),
  .init(line: "1|1|tcp|127.0.0.1:1234|GRPC", expected: "unsupported plugin protocol \"GRPC\". Supported: [grpc]"),
  .init(line: "1|1|tcp|127.0.0.1:1234||", expected: "unsupported plugin protocol \"\". Supported: [grpc]"),
  .init(
    line: "1|1|tcp|127.0.0.1:1234|grpc|\(longCert)=", expectations: .init(clientCertificateSent: true),
    expected: "error parsing server cert: illegal base64 data at input byte 60"),
  .init(
    line: "1|1|tcp|127.0.0.1:1234|grpc|\(longCert)-_", expectations: .init(clientCertificateSent: true),
    expected: "error parsing server cert: illegal base64 data at input byte 60"),
  .init(
    line: "1|1|tcp|127.0.0.1:1234|grpc|\(longCert)", expectations: .init(clientCertificateSent: true),
    expected: "error parsing server cert: x509: malformed certificate"),
  // Field 6 is decoded before anything looks at AutoMTLS, as go-plugin's loadServerCert does.
  .init(
    line: "1|1|tcp|127.0.0.1:1234|grpc|\(longCert)=",
    expected: "error parsing server cert: illegal base64 data at input byte 60"),
  .init(
    line: "1|1|tcp|127.0.0.1:1234|grpc|\(longCert)", expected: "error parsing server cert: x509: malformed certificate"),
  // A valid certificate to a host without AutoMTLS: go-plugin stores it in a nil TLS config.
  .init(
    line: "1|1|tcp|127.0.0.1:1234|grpc|\(TestCertificate.field)",
    expected: "panic: runtime error: invalid memory address or nil pointer dereference"),
  .init(
    line: "1|1|tcp|127.0.0.1:1234|grpc|\(TestCertificate.field)", expectations: .init(clientCertificateSent: true),
    expected: nil),
  // Field 4 through net.ResolveTCPAddr: service names, signs, clamping, host names.
  .init(line: "1|1|tcp|127.0.0.1:http|grpc", expected: nil),
  .init(line: "1|1|tcp|127.0.0.1:HTTPS|grpc", expected: nil),
  .init(line: "1|1|tcp|127.0.0.1:+1234|grpc", expected: nil),
  .init(line: "1|1|tcp|127.0.0.1:|grpc", expected: nil),
  .init(line: "1|1|tcp|:1234|grpc", expected: nil),
  .init(line: "1|1|tcp|[fe80::1%lo]:1234|grpc", expected: nil),
  .init(line: "1|1|tcp|127.0.0.1:-1|grpc", expected: "address -1: invalid port"),
  .init(line: "1|1|tcp|127.0.0.1:99999999999|grpc", expected: "address 99999999999: invalid port"),
  .init(line: "1|1|tcp|127.0.0.1:no-such-service|grpc", expected: "lookup tcp/no-such-service: unknown port"),
  .init(line: "1|1|tcp|no-such-host.invalid:1234|grpc", expected: "lookup no-such-host.invalid: no such host"),
  // The port is looked at before the host, as in Go.
  .init(line: "1|1|tcp|no-such-host.invalid:70000|grpc", expected: "address 70000: invalid port"),
  .init(
    line: "1|1|unix|/tmp/p|grpc|", expectations: .init(multiplexRequested: true),
    expected: "client requested gRPC broker multiplexing but plugin does not support the feature; for Go plugins"),
  .init(
    line: "1|1|unix|/tmp/p|grpc||yes", expectations: .init(multiplexRequested: true),
    expected: "error parsing \"yes\" as a boolean for gRPC broker multiplexing support"),
  .init(
    line: "1|1|unix|/tmp/p|grpc||false", expectations: .init(multiplexRequested: true),
    expected: "client requested gRPC broker multiplexing but plugin does not support the feature"),
]

/// Lines go-plugin accepts (its connection then fails) that plugin-dev's own checks find unusable.
let pluginDevCheckCases: [(line: String, expectations: HandshakeExpectations, error: HandshakeError)] = [
  ("1|1|unix||grpc", .init(), .emptySocketPath),
  (
    "1|1|unix|/\(String(repeating: "d", count: 120))/plugin.sock|grpc", .init(),
    .socketPathTooLong("/\(String(repeating: "d", count: 120))/plugin.sock", limit: HandshakeLine.maxSocketPathLength)
  ),
  ("1|1|tcp|127.0.0.1:1234|grpc|", .init(clientCertificateSent: true), .missingServerCertificate),
  ("1|1|tcp|127.0.0.1:1234|grpc|short", .init(clientCertificateSent: true), .missingServerCertificate),
]

@Suite("HandshakeLine")
struct HandshakeLineTests {
  @Test("parse and validate like a go-plugin host", arguments: handshakeCases)
  func parse(_ c: HandshakeCase) {
    do {
      let parsed = try HandshakeLine.parse(c.line, expecting: c.expectations)
      #expect(c.expected == nil, "accepted, expected: \(c.expected ?? "")")
      #expect(parsed.coreVersion == 1)
    } catch {
      guard let expected = c.expected else {
        Issue.record("rejected: \(error.description)")
        return
      }
      let text = error.goPluginMessage ?? error.hint
      #expect(text.hasPrefix(expected), "got: \(text)")
      #expect(!error.hint.isEmpty)
    }
  }

  /// go-plugin accepts these lines; plugin-dev reports its own finding as a warning, and
  /// `parseAndCheck` (run, check) refuses them without claiming a go-plugin message.
  @Test("plugin-dev's own checks are not go-plugin's", arguments: pluginDevCheckCases.indices)
  func pluginDevChecks(_ index: Int) throws {
    let c = pluginDevCheckCases[index]
    let line = try HandshakeLine.parse(c.line, expecting: c.expectations)
    #expect(line.warnings(rawLine: c.line, expecting: c.expectations).first == .pluginDevCheck(c.error))
    #expect(throws: c.error) { try HandshakeLine.parseAndCheck(c.line, expecting: c.expectations) }
    #expect(c.error.isPluginDevCheck)
    #expect(c.error.goPluginMessage == nil)
    #expect(c.error.description.hasPrefix("plugin-dev's own check (go-plugin accepts this line"))
  }

  @Test func fieldsOfAGoPluginLine() throws {
    let line = try HandshakeLine.parse("1|1|unix|/tmp/plugin2908212597|grpc|")
    #expect(
      line == HandshakeLine(appVersion: 1, network: .unix, address: "/tmp/plugin2908212597", serverCertificate: ""))
    #expect(line.formatted == "1|1|unix|/tmp/plugin2908212597|grpc|")
  }

  @Test(
    "formatting round trips",
    arguments: [
      "1|1|tcp|127.0.0.1:1234|grpc",
      "1|1|unix|/tmp/plugin2908212597|grpc|",
      "1|5|tcp|127.0.0.1:10000|grpc|",
      "1|1|unix|/tmp/p|grpc||true",
      "1|2|tcp|127.0.0.1:1|grpc||false",
    ])
  func roundTrip(_ text: String) throws {
    let expectations = HandshakeExpectations(offeredVersions: [1, 2, 5], multiplexRequested: text.hasSuffix("true"))
    #expect(try HandshakeLine.parse(text, expecting: expectations).formatted == text)
  }

  @Test func fourFieldLineAssumesNetRPC() throws {
    let line = try HandshakeLine.parse("1|1|tcp|127.0.0.1:1", expecting: .init(allowedProtocols: ["netrpc"]))
    #expect(line.protocolName == "netrpc")
  }

  @Test func hintsNameTheProblem() {
    #expect(HandshakeError.unrecognized(line: "starting up...").hint.contains("before its handshake line"))
    #expect(HandshakeError.unrecognized(line: "2|unix|/x").hint.contains("three-field"))
    #expect(
      HandshakeError.unsupportedProtocol("netrpc", allowed: ["grpc"], fieldCount: 4).hint.contains("only four fields"))
    #expect(HandshakeError.incompatibleAppVersion(9, offered: [1]).hint.contains("PLUGIN_PROTOCOL_VERSIONS"))
  }

  @Test func warnings() throws {
    let raw = "1|1|tcp|0.0.0.0:1234|grpc||true\r\n"
    let line = try HandshakeLine.parse(raw)
    let warnings = line.warnings(rawLine: raw)
    #expect(warnings == [.surroundingWhitespace, .unrequestedMultiplexField, .listensBeyondLoopback("0.0.0.0:1234")])
  }

  @Test func aRealCertificateIsAccepted() throws {
    // A self-signed P-256 certificate, DER in RawStdEncoding (no padding).
    let der = TestCertificate.der
    let encoded = der.base64EncodedString().replacingOccurrences(of: "=", with: "")
    let line = try HandshakeLine.parse(
      "1|1|tcp|127.0.0.1:1|grpc|\(encoded)", expecting: .init(clientCertificateSent: true))
    #expect(line.serverCertificate == encoded)
    #expect(line.carriesCertificate)
    #expect(line.serverCertificateDER == Array(der))
    let goEmpty = try HandshakeLine.parse("1|1|unix|/tmp/p|grpc|")
    #expect(!goEmpty.carriesCertificate && goEmpty.serverCertificateDER == nil)
    #expect(throws: HandshakeError.missingServerCertificate) {
      try HandshakeLine.parseAndCheck("1|1|tcp|127.0.0.1:1|grpc|", expecting: .init(clientCertificateSent: true))
    }
  }
}
