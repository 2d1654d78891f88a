/// Size limits for rendering, so a huge message never produces a huge summary or tree.
enum RenderLimits {
  /// Characters of a string kept in a `RenderedValue`.
  static let storedStringCharacters = 1024
  /// Bytes of a bytes field kept in a `RenderedValue`.
  static let storedBytesPrefix = 64
  /// Elements of a repeated/map field kept.
  static let storedElements = 256
  /// Total fields/elements kept per decoded message (shared across nesting).
  static let totalNodes = 5000
  /// Nesting depth rendered.
  static let maxDepth = 24

  /// Characters of the one-line summary before it is cut with `…`.
  static let summaryCharacters = 200
  /// Characters of one string in the summary.
  static let summaryStringCharacters = 40
  /// Printable characters of a bytes preview in the summary.
  static let summaryBytesCharacters = 24
  /// Hex bytes of a binary bytes preview in the summary.
  static let summaryHexBytes = 8
  /// Elements of a repeated field shown in the summary.
  static let summaryElements = 5
  /// Nesting shown in the summary before `{…}`.
  static let summaryDepth = 4

  /// Characters of a string value in a tree node.
  static let treeStringCharacters = 1024
  /// Printable characters of a bytes value in a tree node.
  static let treeBytesCharacters = 64
  /// Hex bytes of a binary bytes value in a tree node.
  static let treeHexBytes = 32
}
