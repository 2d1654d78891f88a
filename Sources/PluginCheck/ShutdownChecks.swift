import Foundation
import GRPCCore
import PluginHost

/// `controller.shutdown`, `shutdown.exit` and `shutdown.no-children` from what happened when
/// plugin-dev stopped the plugin like go-plugin's `Kill()` (docs/protocol.md §6), pure.
public enum ShutdownChecks {
  /// What the stop looked like.
  public struct Observation: Sendable, Equatable {
    /// How `plugin.GRPCController/Shutdown` answered.
    public var controller: Controller
    /// Time from the Shutdown call to the exit; nil when the plugin was still running 2 s later.
    public var exitedAfter: Duration?
    /// How the process ended.
    public var exitStatus: PluginProcess.ExitStatus?
    /// Processes of the plugin left running (or that a Go host's SIGKILL would leave running).
    public var leftBehind: [LeftProcess]
    /// True when orphans were tracked as a child subreaper (otherwise only the process group was scanned).
    public var orphansTracked: Bool

    /// The Shutdown call's outcome.
    public typealias Controller = ShutdownReply

    /// A process that outlived the plugin.
    public struct LeftProcess: Sendable, Equatable {
      /// Its pid.
      public var pid: Int32
      /// Its command line (or name).
      public var command: String
      /// True when plugin-dev had to SIGKILL the plugin, and a Go host (which kills only the plugin
      /// process) would have left this one running.
      public var survivesHardKill: Bool

      /// Creates a value.
      public init(pid: Int32, command: String, survivesHardKill: Bool = false) {
        self.pid = pid
        self.command = command
        self.survivesHardKill = survivesHardKill
      }
    }

    /// Creates an observation.
    public init(
      controller: Controller, exitedAfter: Duration?, exitStatus: PluginProcess.ExitStatus?,
      leftBehind: [LeftProcess] = [],
      orphansTracked: Bool = true
    ) {
      self.controller = controller
      self.exitedAfter = exitedAfter
      self.exitStatus = exitStatus
      self.leftBehind = leftBehind
      self.orphansTracked = orphansTracked
    }
  }

  /// go-plugin's warning when a plugin outlives the 2 s grace.
  static let failedToExit = "plugin failed to exit gracefully"

  /// The three results, in report order.
  public static func evaluate(_ o: Observation) -> [CheckResult] {
    [controller(o), exit(o), children(o)]
  }

  static func controller(_ o: Observation) -> CheckResult {
    let fix = "Serve plugin.GRPCController: reply to Shutdown, then stop the gRPC server and exit."
    switch o.controller {
    case .answered(let ms):
      return .pass(.controllerShutdown, "plugin.GRPCController/Shutdown answered in \(ms) ms")
    case .closedBeforeReplying:
      return .pass(
        .controllerShutdown, "the plugin closed the connection before replying to Shutdown, as Go plugins do")
    case .unimplemented:
      return .fail(
        .controllerShutdown,
        "plugin.GRPCController/Shutdown → UNIMPLEMENTED; a go-plugin host then waits 2 s and SIGKILLs the plugin",
        fix: fix, goPlugin: failedToExit)
    case .noReply:
      return .fail(
        .controllerShutdown,
        "Shutdown got no reply within 2 s; a go-plugin host calls it without a deadline and hangs in Kill()",
        fix: "Reply to Shutdown at once; stop the server after replying, not before the reply is sent.")
    case .failed(let code, let message):
      return .fail(.controllerShutdown, "plugin.GRPCController/Shutdown failed: \(code) \(message)", fix: fix)
    case .exitedBefore(let status):
      return .skip(.controllerShutdown, "the plugin had already exited (\(status)) before Shutdown")
    }
  }

  static func exit(_ o: Observation) -> CheckResult {
    switch o.controller {
    case .unimplemented, .failed:
      return .skip(
        .shutdownExit, "Shutdown failed (see controller.shutdown), so plugin-dev SIGKILLed the plugin after 2 s")
    case .exitedBefore(let status):
      return .fail(
        .shutdownExit, "the plugin exited by itself (\(status)) during the checks, before Shutdown",
        fix: "Keep serving until the host calls Shutdown; the reason is usually in the plugin's stderr.",
        goPlugin: "plugin process exited")
    case .answered, .closedBeforeReplying, .noReply:
      break
    }
    if let after = o.exitedAfter {
      let status = o.exitStatus.map { " (\($0))" } ?? ""
      return .pass(.shutdownExit, "exited\(status) \(HandshakeChecks.milliseconds(after)) ms after Shutdown")
    }
    if case .noReply = o.controller {
      return .skip(
        .shutdownExit, "Shutdown got no reply (see controller.shutdown); plugin-dev SIGKILLed the plugin after 2 s")
    }
    return .fail(
      .shutdownExit, "still running 2 s after Shutdown; plugin-dev sent SIGKILL, as a go-plugin host does",
      fix: "After replying to Shutdown, stop the gRPC server (without waiting for open streams such as StreamStdio) "
        + "and return from main within 2 s.",
      goPlugin: failedToExit)
  }

  static func children(_ o: Observation) -> CheckResult {
    guard !o.leftBehind.isEmpty else {
      guard o.orphansTracked else {
        return .skip(
          .shutdownNoChildren,
          "not checked: plugin-dev could not become a child subreaper (Linux prctl PR_SET_CHILD_SUBREAPER)")
      }
      return .pass(.shutdownNoChildren, "no process of the plugin outlived it")
    }
    let list =
      o.leftBehind.prefix(5).map { "pid \($0.pid) `\($0.command)`" }.joined(separator: ", ")
      + (o.leftBehind.count > 5 ? ", …" : "")
    let count = o.leftBehind.count == 1 ? "1 process" : "\(o.leftBehind.count) processes"
    let seen =
      o.leftBehind.allSatisfy(\.survivesHardKill)
      ? "\(count) of the plugin would outlive a go-plugin host's SIGKILL (it kills only the plugin process): \(list)"
      : "\(count) outlived the plugin: \(list)"
    return .fail(
      .shutdownNoChildren, seen + (o.leftBehind.count == 1 ? "; plugin-dev killed it" : "; plugin-dev killed them"),
      fix: "Stop and wait for the processes you start before exiting, and start the real plugin with exec rather than "
        + "under a shell; a leftover that keeps stdout/stderr open makes a go-plugin host's Kill() hang (issue #136).")
  }
}
