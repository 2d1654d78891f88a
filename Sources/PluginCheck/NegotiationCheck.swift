import Foundation
import PluginHost
import PluginProtocol

/// `negotiation.unsupported-version`: offered only app versions it does not support, a go-plugin plugin
/// answers its lowest version, which the host then refuses (docs/protocol.md §2.1, §4), pure.
///
/// Refusing with a message on stderr is fine too; claiming an offered version is not, and neither
/// is dying without a word (the host shows an empty "Unrecognized remote plugin message").
public enum NegotiationCheck {
  /// Versions to offer: two above everything the plugin is known to speak (`99,100` for a plugin of version 1).
  public static func unsupportedVersions(supported: [Int]) -> [Int] {
    let top = max(supported.max() ?? 1, 1)
    return [top + 98, top + 99]
  }

  /// The verdict for a run offered `offered`, from a plugin whose manifest lists `supported`.
  public static func evaluate(_ run: ProbeRun, offered: [Int], supported: [Int]) -> CheckResult {
    let offer = "offered only \(HandshakeChecks.list(offered))"
    let fix =
      "Negotiate like go-plugin: answer the highest version you support among PLUGIN_PROTOCOL_VERSIONS; when "
      + "there is none, answer your lowest version so the host reports the mismatch."
    switch run.outcome {
    case .handshake(let raw, _):
      let fields = HandshakeChecks.trim(raw).split(separator: "|", omittingEmptySubsequences: false)
      guard fields.count >= 4, let version = Int(fields[1]) else {
        return .warn(
          .negotiationUnsupportedVersion,
          "\(offer) it printed \(HandshakeChecks.quoted(raw)) instead of a handshake",
          fix: "Answer your lowest version as go-plugin does, or write the reason to stderr and exit 1.",
          goPlugin: HandshakeError.unrecognized(line: HandshakeChecks.trim(raw)).goPluginMessage)
      }
      if offered.contains(version) {
        return .fail(
          .negotiationUnsupportedVersion,
          "\(offer) it answered version \(version), which it does not support (plugin.json lists \(HandshakeChecks.list(supported)))",
          fix: fix)
      }
      let host = HandshakeError.incompatibleAppVersion(version, offered: offered).goPluginMessage ?? ""
      let lowest = version == supported.min() ? ", its lowest, as go-plugin does" : ""
      return .pass(
        .negotiationUnsupportedVersion,
        "\(offer) it answered \(version)\(lowest); a go-plugin host refuses: \"\(host)\"")
    case .exited(let status, let after):
      let ms = HandshakeChecks.milliseconds(after)
      guard let said = run.firstStderrLine else {
        return .fail(
          .negotiationUnsupportedVersion,
          "\(offer) it exited (\(status)) after \(ms) ms without a word on stdout or stderr",
          fix: fix + " At the very least, say why on stderr before exiting.",
          goPlugin: HandshakeDiagnosis.exitedBeforeHandshake(status: status, stderrTail: []).goPluginMessage)
      }
      if case .signaled = status {
        return .fail(
          .negotiationUnsupportedVersion, "\(offer) it crashed (\(status)) after \(ms) ms; stderr: `\(said)`", fix: fix)
      }
      if run.crashed {
        return .warn(
          .negotiationUnsupportedVersion, "\(offer) it crashed (\(status)) after \(ms) ms; stderr: `\(said)`", fix: fix)
      }
      return .pass(
        .negotiationUnsupportedVersion, "\(offer) it refused: exited (\(status)) after \(ms) ms, saying `\(said)`")
    case .stillRunning(let after):
      return .fail(
        .negotiationUnsupportedVersion,
        "\(offer) it neither answered nor exited within \(HandshakeChecks.milliseconds(after)) ms",
        fix: fix, goPlugin: "timeout while waiting for plugin to start")
    }
  }
}
