/// A frame whose payload contradicts its own header (bad padding, wrong fixed length, …).
public struct HTTP2FrameError: Error, Hashable, Sendable, CustomStringConvertible {
  /// What is wrong, for a person.
  public var message: String

  /// Wraps a message.
  public init(_ message: String) { self.message = message }

  /// Same as `message`.
  public var description: String { message }
}
