import PluginHost

/// How `plugin-dev check` starts the plugin: the host options plus what only `check` needs.
public struct CheckOptions: Sendable, Equatable {
  /// Timeout, cookie value, offered versions, port range, extra/removed environment, build step.
  public var host: HostOptions
  /// Use a random 100-port window in 20000–28999 as `PLUGIN_MIN_PORT`..`PLUGIN_MAX_PORT` instead of
  /// `host.portRange`, so a plugin that ignores the range is caught (true when the user gave no range).
  public var narrowPortRange = true
  /// Remove `PYTHONUNBUFFERED` from the plugin's environment (unless set with `--env`), so a Python
  /// plugin buffers stdout as it would under a user's go-plugin host (as `run` does).
  public var unsetPythonUnbuffered: Bool {
    get { host.unsetPythonUnbuffered }
    set { host.unsetPythonUnbuffered = newValue }
  }
  /// Whether plugin-dev is a child subreaper (`ChildSubreaper.enable()`), which makes
  /// `shutdown.no-children` exact.
  public var orphansTracked = false
  /// How long the runs without the cookie and with unsupported versions may take; nil derives it from
  /// the main run's start time (three times it plus 2 s, at least 3 s, at most the handshake timeout).
  public var probeWait: Duration?

  /// Creates options.
  public init(host: HostOptions = .init()) {
    self.host = host
  }
}
