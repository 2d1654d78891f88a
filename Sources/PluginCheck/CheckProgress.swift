import PluginHost

/// What `PluginChecker.run` reports while it works, in order.
public enum CheckProgress: Sendable, Equatable {
  /// The build step started.
  case buildStarted(command: String)
  /// A line of build output.
  case buildOutput(String, stream: PluginProcess.Stream)
  /// The build step ended.
  case buildFinished(status: PluginProcess.ExitStatus, seconds: Double)
  /// The plugin was started and check waits for its handshake (for up to `timeout`).
  case waitingForHandshake(pid: Int32, timeout: Duration)
  /// A check finished (reported in `CheckID` order).
  case result(CheckResult)
}
