/// The size of a terminal or of a canvas, in cells.
public struct Size: Sendable, Hashable, CustomStringConvertible {
  /// Columns.
  public var width: Int
  /// Rows.
  public var height: Int

  /// Creates a size; negative values are treated as 0.
  public init(width: Int, height: Int) {
    self.width = max(0, width)
    self.height = max(0, height)
  }

  /// The smallest size the layout is designed for (80x24).
  public static let designMinimum = Size(width: 80, height: 24)

  /// `80x24`.
  public var description: String { "\(width)x\(height)" }
}
