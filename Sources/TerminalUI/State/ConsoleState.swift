import Foundation
import PluginHost
import PluginSchemas
import PluginSession

/// The console: input line with history, output, calls in flight.
public struct ConsoleState: Sendable, Equatable {
  /// The input line.
  public var input = InputLine()
  /// Output lines, oldest first (bounded).
  public var output = BoundedBuffer<ConsoleLine>(capacity: 2_000)
  /// How many lines the output is scrolled up from the bottom (0 = newest visible).
  public var scroll = 0
  /// Calls started and not yet answered.
  public var pendingCalls = 0
  /// When the calls in flight began to wait (the oldest of them), for the elapsed time shown.
  public var pendingSince: Date?
  /// The latest finished call; its frames are highlighted in the frame log.
  public var lastCall: CallRecord?
  /// The methods `call` can name, for Tab completion.
  public var catalog = SchemaCatalog()

  /// An empty console.
  public init() {}
}
