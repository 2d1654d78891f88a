import PluginHost
import PluginSession

/// `plugin-dev view`: the log shown (read-only) and how far reading it is.
public struct ViewInfo: Sendable, Equatable {
  /// Where reading the log is.
  public enum Progress: Sendable, Equatable {
    /// Reading what was written.
    case reading
    /// All that was written is shown; its writer is still at work (followed like `tail -f`).
    case live
    /// The log ended: with its last event (`complete`), or without it (its writer was stopped hard).
    case ended(complete: Bool)
  }

  /// The log file.
  public var path: String
  /// Its header: who wrote it, which host, which plugin.
  public var header: RecordingHeader
  /// Where reading it is.
  public var progress: Progress = .reading

  /// Creates the value.
  public init(path: String, header: RecordingHeader) {
    self.path = path
    self.header = header
  }

  /// The note for a command that would act on the plugin.
  var readOnlyMessage: String {
    "read-only: this is a log (\(path)); run the plugin with `plugin-dev run` to call it"
  }

  /// `live`, `ended`, …, for the status bar.
  var progressLabel: String {
    switch progress {
    case .reading: return "reading…"
    case .live: return "live (following)"
    case .ended(complete: true): return "ended"
    case .ended(complete: false): return "ended early"
    }
  }
}
