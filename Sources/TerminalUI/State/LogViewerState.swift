/// The overlay showing one log line in full (wrapped), and how far it is scrolled.
public struct LogViewerState: Sendable, Equatable {
  /// The line shown (a copy: the log may drop it meanwhile).
  public var line: LogLine
  /// First document line shown.
  public var scroll = 0

  /// Creates a viewer at the top of the line.
  public init(line: LogLine) {
    self.line = line
  }
}
