import Foundation
import PluginHost
import PluginSession
import WireTap

/// Everything that can change the app state: input, session events, and results of effects.
public enum Action: Sendable {
  /// A key was pressed.
  case key(Key)
  /// A mouse event.
  case mouse(MouseEvent)
  /// The terminal has a new size.
  case resize(Size)
  /// Time passed (uptime, relative times).
  case tick(Date)
  /// The session reported something, at this time.
  case session(SessionEvent, at: Date)
  /// `Session.start()` returned: true when the plugin is ready.
  case startFinished(Bool)
  /// A console call (get/put/health) returned.
  case callFinished(CallRecord)
  /// A restart returned: true when the plugin is ready again.
  case restartFinished(Bool)
  /// An export ended: frames written, or why it failed.
  case exportFinished(path: String, frames: Int, error: String?)
  /// A capture export ended: what it wrote and how to read it, or why it failed.
  case captureExportFinished(path: String, summary: String?, error: String?)
  /// Stop was requested from outside (a signal).
  case quitRequested(reason: String)
  /// `view`: where reading the log is.
  case viewProgress(ViewInfo.Progress)
  /// A line plugin-dev itself wrote to stderr while the screen was active.
  case hostOutput(String)
}
