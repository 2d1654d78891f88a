import Foundation

/// What `Scaffolder.generate` made.
public struct ScaffoldResult: Sendable, Equatable {
  /// The plugin folder (DIR/NAME).
  public let folder: URL
  /// The template used.
  public let templateName: String
  /// The template's language.
  public let language: String
  /// Files written, relative to `folder`, sorted.
  public let files: [String]
  /// What to do next, one line each (rendered from the template's `nextSteps`).
  public let nextSteps: [String]
  /// Things the user should know (e.g. a path dependency that does not point at plugin-dev).
  public let warnings: [String]

  /// Creates a result.
  public init(
    folder: URL, templateName: String, language: String, files: [String], nextSteps: [String], warnings: [String]
  ) {
    self.folder = folder
    self.templateName = templateName
    self.language = language
    self.files = files
    self.nextSteps = nextSteps
    self.warnings = warnings
  }
}
