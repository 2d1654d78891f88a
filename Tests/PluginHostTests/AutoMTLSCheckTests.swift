import Testing

@testable import PluginCheck
@testable import PluginHost
@testable import PluginProtocol

@Suite("tls.auto-mtls verdicts")
struct AutoMTLSCheckTests {
  let raw = "1|1|unix|/tmp/plugin1|grpc|MIIB"

  @Test func servingOverMutualTLSPasses() {
    let result = AutoMTLSCheck.evaluate(
      .certificate(raw: raw, names: ["localhost"], tls: .answered(status: "SERVING", milliseconds: 12)))
    #expect(result.status == .pass)
    #expect(result.seen.contains("SAN localhost") && result.seen.contains("SERVING over mutual TLS in 12 ms"))
  }

  @Test func ignoringTheCertificateWarnsWithTheGoHostsError() {
    let result = AutoMTLSCheck.evaluate(.noCertificate(raw: "1|1|tcp|127.0.0.1:1|grpc"))
    #expect(result.status == .warn)
    #expect(result.goPlugin?.contains("first record does not look like a TLS handshake") == true)
    #expect(result.fix?.contains("PLUGIN_CLIENT_CERT") == true)
  }

  @Test func aBadCertificateFieldFailsWithGoText() {
    let result = AutoMTLSCheck.evaluate(
      .refused(raw: raw, error: .badServerCertificate(goError: "illegal base64 data at input byte 3")))
    #expect(result.status == .fail)
    #expect(result.goPlugin == "error parsing server cert: illegal base64 data at input byte 3")
  }

  @Test func aFailedTLSConnectionFailsAndNamesWhatToFix() {
    let noSAN = AutoMTLSCheck.evaluate(
      .certificate(
        raw: raw, names: ["example.com"],
        tls: .failed(
          code: .unavailable, message: "closed",
          tlsError:
            "handshakeFailed(NIOSSL.BoringSSLError.sslError([Error: 1 error:1000007d:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at x.cc:1]))"
        )))
    #expect(noSAN.status == .fail)
    #expect(noSAN.seen.hasSuffix("TLS: handshake failed: CERTIFICATE_VERIFY_FAILED"), "\(noSAN.seen)")
    #expect(noSAN.fix?.hasPrefix("Put DNS name localhost in the certificate's SAN") == true)

    let p521 = AutoMTLSCheck.evaluate(
      .certificate(
        raw: raw, names: ["localhost"],
        tls: .failed(
          code: .unavailable, message: "closed",
          tlsError:
            "error:10000410:SSL routines:OPENSSL_internal:SSLV3_ALERT_HANDSHAKE_FAILURE at a.cc:2, error:1000009a:SSL routines:OPENSSL_internal:HANDSHAKE_FAILURE_ON_CLIENT_HELLO at b.cc:3"
        )))
    #expect(
      p521.seen.hasSuffix("TLS: SSLV3_ALERT_HANDSHAKE_FAILURE, HANDSHAKE_FAILURE_ON_CLIENT_HELLO"), "\(p521.seen)")
    #expect(p521.fix?.contains("ecdsa_secp521r1_sha512") == true)
  }

  @Test func answeringAClientWithoutACertificateWarns() {
    let open = AutoMTLSCheck.evaluate(
      .certificate(
        raw: raw, names: ["localhost"], tls: .answered(status: "SERVING", milliseconds: 3), anonymousAnswered: true))
    #expect(open.status == .warn)
    #expect(open.seen.hasSuffix("but it also answered a client that sent no certificate"))
    let closed = AutoMTLSCheck.evaluate(
      .certificate(
        raw: raw, names: ["localhost"], tls: .answered(status: "SERVING", milliseconds: 3), anonymousAnswered: false))
    #expect(closed.status == .pass)
    #expect(closed.seen.hasSuffix("a client without a certificate was refused"))
  }

  @Test func otherHandshakeProblemsAreLeftToTheHandshakeChecks() throws {
    // Version 2 was not offered: handshake.version reports that; the certificate is still read.
    let expectations = HandshakeExpectations(offeredVersions: [1], clientCertificateSent: true)
    #expect(throws: HandshakeError.missingServerCertificate) {
      try PluginChecker.parseForCertificate("1|2|tcp|127.0.0.1:1|grpc", expectations)
    }
    #expect(throws: HandshakeError.badServerCertificate(goError: "illegal base64 data at input byte 0")) {
      try PluginChecker.parseForCertificate(
        "1|2|tcp|127.0.0.1:1|grpc|" + String(repeating: "*", count: 60), expectations)
    }
    let skipped = AutoMTLSCheck.evaluate(
      .otherHandshakeProblem(raw: "2|1|tcp|x|grpc", error: .incompatibleCoreVersion(2)))
    #expect(skipped.status == .skip)
  }

  @Test func aFailedTLSHandshakeIsNamedAsSuch() {
    let result = AutoMTLSCheck.evaluate(
      .certificate(
        raw: raw, names: ["localhost"],
        tls: .handshakeFailed(
          reason: "handshakeFailed(x([Error: 1 error:1:SSL routines:OPENSSL_internal:WRONG_VERSION_NUMBER at y.cc:1]))")
      ))
    #expect(result.status == .fail)
    #expect(
      result.seen.hasSuffix("but the mutual TLS connection failed: handshake failed: WRONG_VERSION_NUMBER"),
      "\(result.seen)")
  }

  /// go-plugin's Ping() ignores the status: a host loads the plugin (health.serving warns the same).
  @Test func notServingOverTLSWarns() {
    let result = AutoMTLSCheck.evaluate(
      .certificate(raw: raw, names: ["localhost"], tls: .answered(status: "NOT_SERVING", milliseconds: 1)))
    #expect(result.status == .warn)
  }

  /// A provider with no health service (PyPI's tf) answers UNIMPLEMENTED over TLS: TLS works.
  @Test func anUnimplementedAnswerOverTLSIsWorkingTLS() {
    let result = AutoMTLSCheck.evaluate(
      .certificate(
        raw: raw, names: ["localhost"], tls: .failed(code: .unimplemented, message: "Method not found!", tlsError: nil))
    )
    #expect(result.status == .pass, "\(result.seen)")
    #expect(result.seen.contains("so TLS works"))
  }

  /// A Python plugin is told what grpcio can do; others how go-plugin serves AutoMTLS.
  @Test func aPythonPluginIsToldWhatGrpcioCanDo() {
    let python = AutoMTLSCheck.evaluate(.noCertificate(raw: raw), python: true)
    #expect(python.status == .warn)
    #expect(python.fix?.contains("require_client_auth=False") == true, "\(python.fix ?? "")")
    #expect(python.fix?.contains("as go-plugin does: trust that certificate") == false)
    let other = AutoMTLSCheck.evaluate(.noCertificate(raw: raw))
    #expect(other.fix?.contains("serve TLS as go-plugin does") == true, "\(other.fix ?? "")")
  }

  @Test(arguments: [
    (PluginManifest.Command.arguments([".venv/bin/python", "plugin.py"]), true),
    (.arguments(["/usr/bin/python3.11", "-m", "provider"]), true),
    (.shell("exec ./run.py --flag"), true),
    (.arguments(["./kv-swift"]), false),
    (.shell("exec $PWD/kvgo/kvgo"), false),
  ])
  func pythonCommandsAreRecognised(_ command: PluginManifest.Command, _ python: Bool) {
    #expect(command.looksLikePython == python)
  }

  @Test(arguments: [
    ProbeRun(outcome: .exited(.exited(2), after: .milliseconds(40)), stderr: ["Traceback (most recent call last):"]),
    ProbeRun(outcome: .stillRunning(after: .seconds(3))),
  ])
  func notStartingWithTheVariableFails(_ run: ProbeRun) {
    let result = AutoMTLSCheck.evaluate(.noHandshake(run))
    #expect(result.status == .fail)
    #expect(CheckID.autoMTLS.canFail)
  }
}
