/// The frame inspector overlay: which frame, how far it is scrolled, and its stream's frames.
public struct InspectorState: Sendable, Equatable {
  /// Sequence number of the frame shown.
  public var sequence: Int
  /// First document line shown.
  public var scroll = 0
  /// Sequence numbers of the frames on the same connection and stream, oldest first.
  public var streamSequences: [Int]

  /// Creates a state.
  public init(sequence: Int, streamSequences: [Int]) {
    self.sequence = sequence
    self.streamSequences = streamSequences
  }
}
