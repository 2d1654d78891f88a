/// How a cell looks: colours and attributes.
///
/// Colours are dropped by the screen when `NO_COLOR` is set, so anything that matters must
/// also be told by an attribute (bold, reverse, underline) or by text.
public struct Style: Sendable, Hashable {
  /// Foreground colour.
  public var fg: Color
  /// Background colour.
  public var bg: Color
  /// Bold.
  public var bold: Bool
  /// Dim (faint).
  public var dim: Bool
  /// Reverse video.
  public var reverse: Bool
  /// Underline.
  public var underline: Bool

  /// Creates a style; everything defaults to the terminal's plain text.
  public init(
    fg: Color = .default, bg: Color = .default, bold: Bool = false, dim: Bool = false, reverse: Bool = false,
    underline: Bool = false
  ) {
    self.fg = fg
    self.bg = bg
    self.bold = bold
    self.dim = dim
    self.reverse = reverse
    self.underline = underline
  }

  /// Plain text.
  public static let plain = Style()

  /// The same style in bold.
  public var bolded: Style {
    var copy = self
    copy.bold = true
    return copy
  }

  /// The same style in reverse video.
  public var reversed: Style {
    var copy = self
    copy.reverse = true
    return copy
  }

  /// The same style with another foreground colour.
  public func foreground(_ color: Color) -> Style {
    var copy = self
    copy.fg = color
    return copy
  }
}
