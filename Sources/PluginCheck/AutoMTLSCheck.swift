import Foundation
import GRPCCore
import PluginHost
import PluginProtocol

/// `tls.auto-mtls`: started with `PLUGIN_CLIENT_CERT` (a P-521 certificate, as every go-plugin host
/// makes), the plugin answers with its own certificate in field 6 and serves gRPC over mutual TLS
/// that trusts the host's certificate (docs/protocol.md §9), pure.
///
/// Ignoring the variable only warns: hosts without AutoMTLS work, but Terraform and other hosts that
/// turn it on dial TLS and cannot talk to the plugin. Announcing AutoMTLS and then not completing it fails.
public enum AutoMTLSCheck {
  /// What the run with `PLUGIN_CLIENT_CERT` showed.
  public enum Observation: Sendable, Equatable {
    /// No handshake (exited, or neither answered nor exited in time).
    case noHandshake(ProbeRun)
    /// A handshake without a certificate in field 6.
    case noCertificate(raw: String)
    /// A handshake a Go host refuses for its certificate (bad base64, not a certificate, …).
    case refused(raw: String, error: HandshakeError)
    /// A handshake with another problem, which the handshake checks report.
    case otherHandshakeProblem(raw: String, error: HandshakeError)
    /// A certificate, how the mutual TLS connection went, and whether a client without a
    /// certificate was also answered (nil: not tried).
    case certificate(raw: String, names: [String], tls: TLSOutcome, anonymousAnswered: Bool? = nil)
  }

  /// How `Health/Check("plugin")` over mutual TLS went.
  public enum TLSOutcome: Sendable, Equatable {
    /// It answered this status, in this time.
    case answered(status: String, milliseconds: Int)
    /// The call failed; `tlsError` is the TLS layer's reason when there was one.
    case failed(code: Status.Code, message: String, tlsError: String?)
    /// The TLS connection itself failed, for this reason.
    case handshakeFailed(reason: String)
  }

  /// What a go-plugin 1.0.1 host with AutoMTLS reported for a plaintext plugin (Examples/kv-python) on this machine.
  static let plaintextUnderAutoMTLS =
    "rpc error: code = Unavailable desc = connection error: desc = \"transport: "
    + "authentication handshake failed: tls: first record does not look like a TLS handshake\""

  static let ignoredFix =
    "When PLUGIN_CLIENT_CERT is set, serve TLS as go-plugin does: trust that certificate as the "
    + "only client CA and require it, make your own certificate (SAN localhost; P-521 like go-plugin, or any key type), "
    + "and print its DER in base64 without '=' padding as field 6. Hosts without AutoMTLS never set the variable."

  /// What a Python author can do: grpcio cannot require go-plugin's P-521 client certificate.
  static let pythonFix =
    "Python's grpcio cannot serve AutoMTLS as go-plugin does: as a server that requires client certificates its "
    + "TLS offers no P-521, and the host's certificate is always P-521 (the handshake fails with "
    + "PEER_DID_NOT_RETURN_A_CERTIFICATE). What works with a host that turns AutoMTLS on: when PLUGIN_CLIENT_CERT "
    + "is set, serve TLS with your own certificate (SAN localhost) without requiring the client's "
    + "(grpc.ssl_server_credentials(..., require_client_auth=False), as PyPI's tf framework does) and print its DER "
    + "in base64 without '=' padding as field 6; or turn AutoMTLS off in the host; or write the plugin in Swift "
    + "(PluginServer) or Go."

  /// The verdict; `python` picks advice a Python (grpcio) plugin can follow.
  public static func evaluate(_ observation: Observation, python: Bool = false) -> CheckResult {
    let ignoredFix = python ? pythonFix : ignoredFix
    let sent = "started with PLUGIN_CLIENT_CERT (a P-521 host certificate)"
    switch observation {
    case .noHandshake(let run):
      switch run.outcome {
      case .handshake(let raw, _):
        return .fail(.autoMTLS, "\(sent) it printed \(HandshakeChecks.quoted(raw))", fix: ignoredFix)
      case .exited(let status, let after):
        let said = run.firstStderrLine.map { "; stderr: `\($0)`" } ?? ""
        return .fail(
          .autoMTLS,
          "\(sent) it exited (\(status)) after \(HandshakeChecks.milliseconds(after)) ms without a handshake\(said)",
          fix: "A plugin must start when PLUGIN_CLIENT_CERT is set: serve AutoMTLS, or ignore the variable. "
            + ignoredFix)
      case .stillRunning(let after):
        return .fail(
          .autoMTLS, "\(sent) it printed no handshake within \(HandshakeChecks.milliseconds(after)) ms",
          fix: "A plugin must start when PLUGIN_CLIENT_CERT is set. " + ignoredFix,
          goPlugin: "timeout while waiting for plugin to start")
      }
    case .noCertificate(let raw):
      return .warn(
        .autoMTLS,
        "\(sent) it answered \(HandshakeChecks.quoted(raw)) with no certificate in field 6: a host with AutoMTLS "
          + "(Terraform's default, for one) dials TLS and cannot talk to it",
        fix: ignoredFix, goPlugin: plaintextUnderAutoMTLS)
    case .otherHandshakeProblem(_, let error):
      return .skip(.autoMTLS, "the handshake has another problem (\(error.title)); see the handshake checks")
    case .refused(let raw, let error):
      return .fail(
        .autoMTLS, "\(sent) it answered \(HandshakeChecks.quoted(raw)): \(error.title)",
        fix: error.hint, goPlugin: error.goPluginMessage)
    case .certificate(_, let names, let tls, let anonymousAnswered):
      let san = names.isEmpty ? "no DNS names" : "SAN " + names.joined(separator: ", ")
      switch tls {
      case .answered("SERVING", let ms):
        let served =
          "\(sent) it sent its certificate (\(san)) and answered Health/Check(\"plugin\") → SERVING over mutual TLS in \(ms) ms"
        if anonymousAnswered == true {
          return .warn(
            .autoMTLS, served + ", but it also answered a client that sent no certificate",
            fix:
              "Require the client certificate and trust only PLUGIN_CLIENT_CERT (go-plugin: RequireAndVerifyClientCert); "
              + "otherwise any local process can call the plugin. Python grpcio cannot verify go-plugin's P-521 client "
              + "certificate (its BoringSSL does not offer P-521 signatures), so a grpcio plugin must choose between this "
              + "warning and not working with AutoMTLS hosts.")
        }
        return .pass(
          .autoMTLS, served + (anonymousAnswered == false ? "; a client without a certificate was refused" : ""))
      case .answered(let status, _):
        return .warn(
          .autoMTLS,
          "over mutual TLS Health/Check(\"plugin\") → \(status); go-plugin's client loads it (its Ping() fails only "
            + "when the call fails), but a host or tool that reads the status treats the plugin as down",
          fix: "Set service \"plugin\" to SERVING on the TLS server too.")
      case .failed(.unimplemented, let message, nil):
        // A gRPC status came back over TLS: the TLS works; a missing health service is health.serving's.
        return .pass(
          .autoMTLS,
          "\(sent) it sent its certificate (\(san)) and answered over mutual TLS: Health/Check(\"plugin\") → "
            + "UNIMPLEMENTED (\(message)), a gRPC answer, so TLS works; the missing health service is health.serving's")
      case .failed(let code, let message, let tlsError):
        let detail = tlsError.map { "; TLS: \(TLSErrorText.compact($0))" } ?? ""
        return tlsFailure(
          "\(sent) it sent a certificate (\(san)), but Health/Check(\"plugin\") over mutual TLS failed: \(code) \(message)\(detail)",
          names: names, tlsError: tlsError)
      case .handshakeFailed(let reason):
        return tlsFailure(
          "\(sent) it sent a certificate (\(san)), but the mutual TLS connection failed: \(TLSErrorText.compact(reason))",
          names: names, tlsError: reason)
      }
    }
  }

  /// The failure for a certificate the host could not use: what to change, by what went wrong.
  static func tlsFailure(_ seen: String, names: [String], tlsError: String?) -> CheckResult {
    var fix =
      "Serve gRPC over TLS with the certificate you printed, require a client certificate and trust "
      + "PLUGIN_CLIENT_CERT as its only CA; allow TLS 1.2+ and ALPN h2."
    if !names.contains("localhost") {
      fix = "Put DNS name localhost in the certificate's SAN (a go-plugin host verifies that name). " + fix
    }
    if tlsError.map(Self.mentionsSignature) == true {
      fix +=
        " The host's certificate is ECDSA P-521 (go-plugin's, always): the TLS stack must accept "
        + "ecdsa_secp521r1_sha512 signatures (BoringSSL-based stacks leave it out by default)."
    }
    return .fail(.autoMTLS, seen, fix: fix, goPlugin: "rpc error: code = Unavailable desc = connection error")
  }

  /// Whether a TLS error is about signature algorithms or the peer certificate.
  static func mentionsSignature(_ text: String) -> Bool {
    let lower = text.lowercased()
    return lower.contains("signature") || lower.contains("peer_did_not_return")
      || lower.contains("certificate_required") || lower.contains("handshake_failure")
  }
}
