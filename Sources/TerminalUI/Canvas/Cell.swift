/// One cell of a canvas: a character and its style.
public struct Cell: Sendable, Hashable {
  /// What is shown; always treated as one column wide.
  public var character: Character
  /// How it looks.
  public var style: Style

  /// Creates a cell.
  public init(_ character: Character = " ", style: Style = .plain) {
    self.character = character
    self.style = style
  }

  /// A plain space.
  public static let blank = Cell()
}
