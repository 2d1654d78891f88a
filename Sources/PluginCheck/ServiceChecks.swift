import Foundation
import GRPCCore
import PluginHost
import PluginProtocol
import PluginSchemas

/// The checks of a running plugin's address and gRPC services (docs/protocol.md §3, §5, §12), pure.
public enum ServiceChecks {
  /// How `plugin.GRPCStdio/StreamStdio` went.
  public typealias StdioOutcome = PluginHost.StdioOutcome

  /// How the reflection probe went.
  public typealias ReflectionOutcome = ReflectionProbe.Outcome

  /// `handshake.reachable`: whether something accepted a connection at the address.
  public static func reachable(_ line: HandshakeLine, problem: HandshakeDiagnosis?) -> CheckResult {
    guard let problem else {
      return .pass(.handshakeReachable, "\(line.network.rawValue) \(line.address) accepts connections")
    }
    var seen = "nothing accepts connections at \(line.address)"
    if case .unreachable(_, let reason) = problem { seen += " (\(reason))" }
    return .fail(.handshakeReachable, seen, fix: problem.hint, goPlugin: problem.goPluginMessage)
  }

  /// `port.range`: a tcp address within `PLUGIN_MIN_PORT`..`PLUGIN_MAX_PORT`; unix sockets skip.
  public static func portRange(_ line: HandshakeLine, range: ClosedRange<Int>) -> CheckResult {
    guard line.network == .tcp else { return .skip(.portRange, "unix socket, no port") }
    let text = "\(range.lowerBound)..\(range.upperBound)"
    guard let port = line.tcpAddress?.port else {
      return .fail(.portRange, "no port in \(line.address)", fix: "Print the address as 127.0.0.1:PORT.")
    }
    if range.contains(port) {
      return .pass(.portRange, "port \(port) is within PLUGIN_MIN_PORT..PLUGIN_MAX_PORT = \(text)")
    }
    return .warn(
      .portRange,
      "listens on port \(port), outside PLUGIN_MIN_PORT..PLUGIN_MAX_PORT = \(text); go-plugin's client connects "
        + "to any address the line names, but a host that opens only that range (a firewall, a container's "
        + "published ports) cannot reach it",
      fix: "Read PLUGIN_MIN_PORT and PLUGIN_MAX_PORT and bind the first free port in that range, as go-plugin does.")
  }

  /// What to do when the plugin serves no `grpc.health.v1.Health` (`health.serving`'s fix for
  /// UNIMPLEMENTED); the TUI shows the same text.
  public static let missingHealthServiceFix = HealthSample.missingServiceFix

  /// `health.serving`: `Check("plugin")` must answer SERVING.
  public static func health(_ outcome: HealthSample.Outcome, milliseconds: Int) -> CheckResult {
    let call = "Health/Check(\"plugin\")"
    switch outcome {
    case .status("SERVING"):
      return .pass(.healthServing, "\(call) → SERVING in \(milliseconds) ms")
    case .status(let status):
      return .warn(
        .healthServing,
        "\(call) → \(status); go-plugin's client loads it (its Ping() fails only when the call fails), but a host "
          + "or tool that reads the status treats the plugin as down",
        fix: "Set service \"plugin\" to SERVING once the plugin is ready.")
    case .failed(let code, let message):
      let go = "rpc error: code = \(goCode(code)) desc = \(message)"
      switch code {
      case .unimplemented:
        return .fail(
          .healthServing, "\(call) → UNIMPLEMENTED: the plugin has no grpc.health.v1.Health",
          fix: missingHealthServiceFix, goPlugin: go)
      case .notFound:
        return .fail(
          .healthServing, "\(call) → NOT_FOUND: the health service does not know \"plugin\"",
          fix: "Set a status for the service name \"plugin\" (go-plugin's GRPCServiceName), e.g. "
            + "health.set(\"plugin\", SERVING); a Go host's Ping() fails on NOT_FOUND.",
          goPlugin: go)
      default:
        return .fail(
          .healthServing, "\(call) failed: \(code) \(message)",
          fix: "Serve grpc.health.v1.Health on the announced address and answer Check(\"plugin\") promptly.",
          goPlugin: go)
      }
    }
  }

  /// `stdio.stream`: `plugin.GRPCStdio/StreamStdio` should be served; a warning at most.
  ///
  /// A go-plugin host opens the stream right after connecting, and when it fails only logs
  /// (`stdio service not available…` or `received EOF, stopping recv loop`) and goes on; a 1.0.x
  /// host never calls it (docs/protocol.md §5.2). So a missing service works, but looks broken in every
  /// host log, and a Go plugin built on go-plugin < 1.1 (which has no GRPCStdio) leaves its
  /// redirected stdout/stderr undrained (docs/protocol.md §5.2).
  public static func stdio(_ outcome: StdioOutcome) -> CheckResult {
    switch outcome {
    case .open(let bytes):
      return .pass(.stdioStream, "StreamStdio is open" + (bytes > 0 ? " (\(bytes) bytes of plugin output so far)" : ""))
    case .ended(let bytes):
      return .pass(.stdioStream, "StreamStdio answered and ended after \(bytes) bytes")
    case .failed(let code, let message):
      let fix =
        "Serve plugin.GRPCStdio: a StreamStdio that sends nothing and stays open until the host cancels "
        + "is enough (go-plugin's Python example does exactly that); Go plugins get it from go-plugin v1.1.0 or later, "
        + "and before that their redirected stdout/stderr is never drained (go-plugin issue #147). "
        + "Without it the plugin works, but a go-plugin host logs a stdio error every time it starts the plugin."
      // grpc_stdio.go: these codes end the host's loop at Debug, any other at Error.
      let quiet = [.unimplemented, .unavailable, .cancelled].contains(code)
      let go =
        "plugin.stdio: \(quiet ? "received EOF, stopping recv loop" : "error receiving data"): "
        + "err=\"rpc error: code = \(goCode(code)) desc = \(message)\""
      if code == .unimplemented {
        return .warn(.stdioStream, "plugin.GRPCStdio/StreamStdio → UNIMPLEMENTED", fix: fix, goPlugin: go)
      }
      return .warn(.stdioStream, "plugin.GRPCStdio/StreamStdio failed: \(code) \(message)", fix: fix, goPlugin: go)
    }
  }

  /// `broker.stream`: `plugin.GRPCBroker/StartStream`, which a go-plugin host opens right after
  /// connecting and keeps open; over it each side announces the listeners the other dials
  /// (docs/protocol.md §5.7). Only a host that uses the broker (Vault, bidirectional plugins) needs
  /// it, so its absence is a skip here (`check --host` fails it for such a host); a stream that
  /// ends or fails is a warning: brokered connections would then fail.
  public static func broker(_ outcome: StreamOutcome) -> CheckResult {
    switch outcome {
    case .open(let offers):
      return .pass(
        .brokerStream,
        "StartStream is open" + (offers > 0 ? " (the plugin offered \(offers) brokered connections)" : ""))
    case .ended(let offers):
      return .warn(
        .brokerStream, "StartStream ended (OK) after \(offers) messages while the plugin kept running",
        fix: "Keep plugin.GRPCBroker/StartStream open until the host closes it: a host that dials a brokered id "
          + "after it ended gets 'timeout waiting for connection info'.")
    case .failed(let code, _) where code == .unimplemented:
      return .skip(
        .brokerStream,
        "the plugin serves no plugin.GRPCBroker (UNIMPLEMENTED): fine unless its host uses the broker (Vault, bidirectional plugins)"
      )
    case .failed(let code, let message):
      return .warn(
        .brokerStream, "plugin.GRPCBroker/StartStream failed: \(code.grpcName) \(message)",
        fix:
          "Serve plugin.GRPCBroker/StartStream and keep it open, or leave it unimplemented if no host uses the broker.")
    }
  }

  /// `reflection`: optional, so a missing service is a warning.
  public static func reflection(_ outcome: ReflectionOutcome) -> CheckResult {
    switch outcome {
    case .listed(let service, let services):
      let names = services.isEmpty ? "no services" : services.joined(separator: ", ")
      return .pass(.reflection, "\(service) lists \(names)")
    case .unimplemented:
      return .warn(
        .reflection, "no server reflection (grpc.reflection.v1 and v1alpha are UNIMPLEMENTED)",
        fix: "Optional: register gRPC server reflection (Python: grpcio-reflection) so grpcurl and other tools can "
          + "list your services; Go plugins have it since go-plugin 1.2.")
    case .failed(let code, let message):
      return .warn(
        .reflection, "the reflection probe failed: \(code) \(message)",
        fix: "Optional: serve grpc.reflection.v1.ServerReflection, or leave it out entirely.")
    }
  }

  /// Go's spelling of a status code (`notFound` → `NotFound`).
  static func goCode(_ code: Status.Code) -> String {
    switch code {
    case .cancelled: return "Canceled"  // Go's codes.Canceled
    case .internalError: return "Internal"  // Go's codes.Internal
    default:
      let name = code.description
      guard let first = name.first else { return name }
      return first.uppercased() + name.dropFirst()
    }
  }
}
