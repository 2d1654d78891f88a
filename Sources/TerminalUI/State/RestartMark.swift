/// Where the plugin was restarted in the frame log: the frame list draws a separator row
/// (`── restart (pid 1234) ──`) between the last frame before it and the first one after.
public struct RestartMark: Sendable, Equatable {
  /// Sequence number of the newest frame captured before the restart.
  public var afterSequence: Int
  /// The new process's pid.
  public var pid: Int32
  /// The new process's generation (2 after the first restart).
  public var generation: Int

  /// Creates a mark.
  public init(afterSequence: Int, pid: Int32, generation: Int) {
    self.afterSequence = afterSequence
    self.pid = pid
    self.generation = generation
  }
}
