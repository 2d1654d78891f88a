import PluginHost

/// What a short extra start of the plugin showed (the runs without the cookie and with unsupported versions).
public struct ProbeRun: Sendable, Equatable {
  /// How the run ended.
  public enum Outcome: Sendable, Equatable {
    /// A stdout line that looks like a handshake (it has a `|`), and when it came.
    case handshake(raw: String, after: Duration)
    /// The plugin exited without printing a handshake.
    case exited(PluginProcess.ExitStatus, after: Duration)
    /// Neither within the wait; plugin-dev stopped it.
    case stillRunning(after: Duration)
  }

  /// How it ended.
  public var outcome: Outcome
  /// stdout lines seen (other than a handshake).
  public var stdout: [String]
  /// stderr lines seen (the first few hundred).
  public var stderr: [String]

  /// Creates a value.
  public init(outcome: Outcome, stdout: [String] = [], stderr: [String] = []) {
    self.outcome = outcome
    self.stdout = stdout
    self.stderr = stderr
  }

  /// The first non-empty stderr line, shortened, for messages.
  var firstStderrLine: String? {
    stderr.first { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map { String($0.prefix(160)) }
  }

  /// Whether stderr shows a crash (Python traceback, Go panic).
  var crashed: Bool {
    stderr.contains {
      $0.hasPrefix("Traceback (most recent call last)") || $0.hasPrefix("panic: ") || $0.hasPrefix("fatal error: ")
    }
  }
}
