import Foundation
import PluginProtocol
import WireTap

/// What a `HostCore` tells its observer, in order: the machine's reports plus what its actions
/// produced (build output, the process's raw output, decoded frames, health samples, stdio data).
public enum HostEvent: Sendable {
  /// The build step said something.
  case build(BuildStep.Event)
  /// The plugin could not be spawned (the machine's `.handshakeFailed` follows).
  case spawnFailed(PluginProcessError)
  /// The plugin runs, started as `info` says.
  case started(PluginProcess, StartInfo)
  /// A line, an end of file or the exit, as the process reported it (before the machine sees it).
  case output(PluginProcess.Event)
  /// The machine's report (handshake, failures, stop notices, the exit).
  case report(HostMachine.Report)
  /// The decoding relay listens at `local` and forwards to the plugin.
  case tapReady(local: String, plugin: String)
  /// A decoded HTTP/2 frame.
  case frame(FrameRecord)
  /// A health check of the health loop.
  case health(HealthSample)
  /// `run --serve`: a real host can reattach through the relay.
  case serving(ReattachConfig)
  /// Data from `plugin.GRPCStdio/StreamStdio`.
  case stdio(Plugin_StdioData)
  /// Informational text from the host's own work (relay, streams, environment).
  case notice(String)
}

/// How the last stop went, for `check`'s shutdown checks.
public struct StopOutcome: Sendable, Equatable {
  /// What `plugin.GRPCController/Shutdown` did (nil when none was sent).
  public var controller: ShutdownReply?
  /// From Shutdown to the exit, when the plugin exited within the grace.
  public var exitedAfter: Duration?
  /// How the process ended.
  public var status: PluginProcess.ExitStatus?
}
