/// One of the eight standard terminal colours, or the terminal's own default.
public enum Color: Int, Sendable, Hashable, CaseIterable {
  /// The terminal's default foreground or background.
  case `default` = -1
  /// Colour 0.
  case black = 0
  /// Colour 1.
  case red
  /// Colour 2.
  case green
  /// Colour 3.
  case yellow
  /// Colour 4.
  case blue
  /// Colour 5.
  case magenta
  /// Colour 6.
  case cyan
  /// Colour 7.
  case white
}
