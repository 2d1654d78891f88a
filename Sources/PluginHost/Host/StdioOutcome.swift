import GRPCCore

/// How one of the streams a Go host opens went (`plugin.GRPCStdio/StreamStdio`,
/// `plugin.GRPCBroker/StartStream`); `bytes` counts the stdio data, or the broker's ConnInfo messages.
public enum StreamOutcome: Sendable, Equatable {
  /// Still open when checked (the usual case: a quiet plugin sends nothing).
  case open(bytes: Int)
  /// The plugin ended the stream with OK.
  case ended(bytes: Int)
  /// The call failed (e.g. `unimplemented`).
  case failed(code: Status.Code, message: String)
}

/// How `plugin.GRPCStdio/StreamStdio` went.
public typealias StdioOutcome = StreamOutcome
