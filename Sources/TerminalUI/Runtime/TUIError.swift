/// Why the TUI could not start.
public enum TUIError: Error, Sendable, Equatable, CustomStringConvertible {
  /// stdin or stdout is not a terminal.
  case notATerminal
  /// curses could not set up the terminal (unknown `TERM`, …).
  case terminalUnavailable(term: String?)

  /// What happened and what to do.
  public var description: String {
    switch self {
    case .notATerminal:
      return "the TUI needs a terminal on stdin and stdout; use --headless to print events as lines instead"
    case .terminalUnavailable(let term):
      return "curses could not use this terminal (TERM=\(term ?? "unset")); set TERM to a known type such as "
        + "xterm-256color, or use --headless"
    }
  }
}
