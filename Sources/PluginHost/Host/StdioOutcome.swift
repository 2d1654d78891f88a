import GRPCCore

/// How `plugin.GRPCStdio/StreamStdio` went.
public enum StdioOutcome: Sendable, Equatable {
  /// Still open when checked (the usual case: a quiet plugin sends nothing).
  case open(bytes: Int)
  /// The plugin ended the stream with OK.
  case ended(bytes: Int)
  /// The call failed (e.g. `unimplemented`).
  case failed(code: Status.Code, message: String)
}
