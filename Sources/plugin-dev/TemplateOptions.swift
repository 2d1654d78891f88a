import ArgumentParser
import Foundation
import Scaffold

/// The `--templates DIR` option shared by `new` and `templates`, and the library it selects.
struct TemplateOptions: ParsableArguments {
  @Option(
    name: .customLong("templates"),
    help: ArgumentHelp(
      "The templates folder (default: $\(TemplateLibrary.environmentVariable), else the built-in Templates folder of "
        + "this plugin-dev; never one found from the current folder).",
      valueName: "DIR"))
  var templatesDirectory: String?

  /// The template library: `--templates` (relative to `currentDirectory`), `$PLUGIN_DEV_TEMPLATES`, or the built-in one.
  func library(currentDirectory: URL) throws -> TemplateLibrary {
    try TemplateLibrary.discover(
      explicitRoot: templatesDirectory.map {
        URL(fileURLWithPath: $0, isDirectory: true, relativeTo: currentDirectory)
      },
      currentDirectory: currentDirectory)
  }
}
