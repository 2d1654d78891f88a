import AutoMTLS
import Foundation
import PluginProtocol

/// `run --attach`: a plugin plugin-dev did not start. It connects, checks health, decodes, and
/// at the stop sends Shutdown only; it never signals or kills the plugin.
extension HostCore {
  /// The host key and certificate `plugin-dev env --auto-mtls` wrote to `directory`, or why not.
  static func loadIdentity(from directory: String) -> (AutoMTLSIdentity?, String?) {
    let folder = URL(fileURLWithPath: directory, isDirectory: true)
    do {
      let certificate = try String(
        contentsOf: folder.appendingPathComponent("client-cert.pem"), encoding: .utf8)
      let key = try String(contentsOf: folder.appendingPathComponent("client-key.pem"), encoding: .utf8)
      return (try AutoMTLSIdentity(certificatePEM: certificate, privateKeyPEM: key), nil)
    } catch {
      return (
        nil,
        "could not read the host's AutoMTLS key and certificate from \(directory) (client-key.pem, client-cert.pem, "
          + "as `plugin-dev env --auto-mtls --mtls-dir` writes them): \(error)"
      )
    }
  }

  /// A plugin paused at a breakpoint stops answering: say so once (it is not dead), and once
  /// more when it answers again.
  func noteAttachedHealth(_ sample: HealthSample) {
    switch sample.outcome {
    case .failed(let code, _) where code == .deadlineExceeded || code == .unavailable:
      guard !attachedSilent else { return }
      attachedSilent = true
      observe(
        .notice(
          "the plugin does not answer health checks (\(code)): paused at a breakpoint? plugin-dev stays attached and waits"
        ))
    case .status:
      guard attachedSilent else { return }
      attachedSilent = false
      observe(.notice("the plugin answers again"))
    default:
      break
    }
  }

  /// After the stop: whether the plugin is still there (it refused or ignored Shutdown) or gone.
  func noteAttachedAfterStop(_ run: Run) async {
    guard let line = run.handshake ?? options.attach?.line else { return }
    // A plugin that honours Shutdown may take a while to close its listener (a Python plugin on
    // a loaded machine: over half a second); one that refused it is looked at for 0.5 s only.
    let refused = run.answer.withLock { answer -> Bool in
      switch answer {
      case .unimplemented?, .failed?: return true
      default: return false
      }
    }
    let deadline = ContinuousClock.now + (refused ? .milliseconds(500) : .seconds(5))
    var problem = await ReachabilityProbe.problem(with: line)
    while problem == nil, ContinuousClock.now < deadline {
      try? await Task.sleep(for: .milliseconds(100))
      problem = await ReachabilityProbe.problem(with: line)
    }
    if problem == nil {
      observe(
        .notice(
          "detached: the plugin still accepts connections at \(line.address); plugin-dev did not start it and leaves it running"
        ))
    } else {
      observe(.notice("detached: the plugin no longer accepts connections at \(line.address)"))
    }
  }
}
