import GRPCCore

/// How `plugin.GRPCController/Shutdown` answered when the host stopped the plugin.
public enum ShutdownReply: Sendable, Equatable {
  /// It replied OK.
  case answered(milliseconds: Int)
  /// The connection closed before a reply, as a Go plugin does (it stops its server first).
  case closedBeforeReplying
  /// The plugin has no `plugin.GRPCController`.
  case unimplemented(message: String)
  /// No reply within the grace period while the plugin kept running.
  case noReply
  /// Another error.
  case failed(code: Status.Code, message: String)
  /// The plugin had exited before it could be asked.
  case exitedBefore(PluginProcess.ExitStatus)
}
