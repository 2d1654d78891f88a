import ArgumentParser
import Foundation
import Scaffold

/// The `--templates DIR` option shared by `new` and `templates`, and the library it selects.
struct TemplateOptions: ParsableArguments {
  @Option(
    name: .customLong("templates"),
    help: ArgumentHelp(
      "The templates folder (default: $\(TemplateLibrary.environmentVariable), else the Templates folder of this plugin-dev).",
      valueName: "DIR"))
  var templatesDirectory: String?

  /// The template library: `--templates` (relative to `currentDirectory`) or the discovered one.
  func library(currentDirectory: URL) throws -> TemplateLibrary {
    try TemplateLibrary.discover(
      explicitRoot: templatesDirectory.map { URL(fileURLWithPath: $0, isDirectory: true, relativeTo: currentDirectory) })
  }
}
