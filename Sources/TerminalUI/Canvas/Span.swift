/// A run of text in one style.
public struct Span: Sendable, Hashable {
  /// The text (one line; control characters are shown as `·` when drawn).
  public var text: String
  /// Its style.
  public var style: Style

  /// Creates a span.
  public init(_ text: String, _ style: Style = .plain) {
    self.text = text
    self.style = style
  }
}
