import Foundation
import PluginHost
import PluginProtocol

/// `cookie.refused`: started without its magic cookie, a go-plugin plugin prints go-plugin's message to
/// stderr and exits 1 without a handshake (docs/protocol.md §2.1), pure.
public enum CookieCheck {
  /// The verdict for a run without the cookie variable `cookieKey`.
  public static func evaluate(_ run: ProbeRun, cookieKey: String) -> CheckResult {
    let without = "started without \(cookieKey)"
    let fix =
      "Check the cookie before serving: unless \(cookieKey) has the expected value, write go-plugin's message "
      + "(\"This binary is a plugin. These are not meant to be executed directly. …\") to stderr and exit 1."
    switch run.outcome {
    case .handshake(let raw, let after):
      return .warn(
        .cookieRefused,
        "\(without) it printed a handshake (\(HandshakeChecks.quoted(raw))) after \(HandshakeChecks.milliseconds(after)) ms; "
          + "a host always sends the cookie, so none refuses it, but go-plugin plugins exit 1 with \"This binary is a "
          + "plugin…\" so a user who starts one by hand learns what it is",
        fix: fix)
    case .stillRunning(let after):
      return .warn(
        .cookieRefused,
        "\(without) it was still running \(HandshakeChecks.milliseconds(after)) ms later, without a handshake; a host "
          + "always sends the cookie, so none is affected, but a user who starts it by hand waits on nothing",
        fix: fix)
    case .exited(let status, let after):
      let ms = HandshakeChecks.milliseconds(after)
      let goMessage = run.stderr.first == "This binary is a plugin. These are not meant to be executed directly."
      let said =
        goMessage
        ? "with go-plugin's message" : run.firstStderrLine.map { "saying `\($0)`" } ?? "saying nothing on stderr"
      switch status {
      case .exited(0):
        return .warn(
          .cookieRefused, "\(without) it exited with code 0 after \(ms) ms, \(said)",
          fix: "Exit with status 1 after the message, as go-plugin's plugin.Serve does.")
      case .exited:
        return .pass(.cookieRefused, "\(without) it exited (\(status)) after \(ms) ms, \(said)")
      case .signaled:
        return .warn(
          .cookieRefused, "\(without) it was killed by \(status) after \(ms) ms, \(said)",
          fix: "Check the cookie first thing and exit 1 with go-plugin's message instead of crashing.")
      }
    }
  }
}
