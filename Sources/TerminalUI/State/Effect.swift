import PluginHost
import PluginSession

/// Work `update` asks the runtime to do; results come back as actions.
public enum Effect: Sendable, Equatable {
  /// Run a plugin call (`get`, `put`, `health`) through the session; answers `.callFinished`.
  case runCall(ConsoleCommand, text: String)
  /// Cancel the console's `call`s in flight (the session goes on); each answers `.callFinished`.
  case cancelCalls
  /// Restart the plugin, running its build step first when `rebuild`; answers `.restartFinished`.
  case restart(rebuild: Bool)
  /// Write the frame log as JSON lines to a file; answers `.exportFinished`.
  case export(path: String)
  /// Write the relay's traffic as pcapng to a file; answers `.captureExportFinished`.
  case exportCapture(path: String)
  /// Redraw the whole terminal (after Ctrl-L).
  case repaint
  /// Stop the plugin, restore the terminal and exit.
  case quit
}
