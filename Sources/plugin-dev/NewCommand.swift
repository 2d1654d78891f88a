import ArgumentParser
import Foundation
import Scaffold

/// `plugin-dev new TEMPLATE [NAME]`: creates a plugin folder from a template and says how to run it.
struct New: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "new",
    abstract: "Create a plugin that a go-plugin host loads as it is.",
    discussion: """
      Creates DIR/NAME from a template (`plugin-dev templates` lists them), prints the templates \
      folder it used, the files it wrote and the command that runs the plugin. The templates are \
      this plugin-dev's own (beside or above its executable, or its source tree) unless --templates \
      or $\(TemplateLibrary.environmentVariable) names another folder; a Templates folder in or \
      above the current folder is never used.

      Examples:
        plugin-dev new kv                      # ./kv-plugin, in Python
        plugin-dev new kv my-kv --lang go --dir plugins
      """
  )

  /// The language used when `--lang` is not given.
  static let defaultLanguage = "python"

  @Argument(help: "The template, e.g. kv (`plugin-dev templates` lists them).")
  var template: String

  @Argument(help: "The plugin's name, also its folder's: a letter, then up to 63 letters, digits, '-' or '_'.")
  var name: String = "kv-plugin"

  @Option(name: .customLong("lang"), help: "The plugin's language, e.g. python, swift or go.")
  var language: String = New.defaultLanguage

  @Option(help: ArgumentHelp("The folder the plugin folder is created in (created when missing).", valueName: "DIR"))
  var dir: String = "."

  @Flag(
    help:
      "Write into an existing non-empty plugin folder: the template's files are replaced, other files stay, links are never followed."
  )
  var force = false

  @Option(
    name: .customLong("set"),
    help: ArgumentHelp(
      "Set a template variable, e.g. --set magicCookieValue=secret (repeatable).", valueName: "KEY=VALUE"))
  var settings: [String] = []

  @OptionGroup var templates: TemplateOptions

  func validate() throws {
    for setting in settings where !setting.contains("=") {
      throw ValidationError("--set expects KEY=VALUE, got '\(setting)'.")
    }
  }

  func run() async throws {
    let currentDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    let library = try templates.library(currentDirectory: currentDirectory)
    print("templates: \(library.origin)")
    let chosen = try library.lookup(name: template, language: language)

    var variables: [String: String] = [:]
    for setting in settings {
      let parts = setting.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      variables[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
    }

    let result = try Scaffolder(library: library).generate(
      template: chosen, name: name, into: URL(fileURLWithPath: dir, isDirectory: true, relativeTo: currentDirectory),
      force: force, variables: variables, pluginPath: "./\(name)")

    let shownFolder = dir == "." ? "./\(name)" : (dir.hasSuffix("/") ? dir : dir + "/") + name
    print("Created \(shownFolder) from template \(result.templateName) (\(result.language)):")
    for file in result.files {
      print("  \(file)")
    }
    for warning in result.warnings {
      FileHandle.standardError.write(Data("warning: \(warning)\n".utf8))
    }
    print("")
    print("Next:")
    if dir != "." {
      print("  cd \(Self.shellQuoted(dir))")
    }
    for step in result.nextSteps {
      print("  \(step)")
    }
  }

  /// `text` as one shell word (quoted only when needed).
  static func shellQuoted(_ text: String) -> String {
    let plain = text.allSatisfy { $0.isLetter || $0.isNumber || "/._-+:,@%".contains($0) }
    return plain && !text.isEmpty ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
