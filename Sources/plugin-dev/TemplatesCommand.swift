import ArgumentParser
import Foundation
import Scaffold

/// `plugin-dev templates`: lists the templates `plugin-dev new` can use, with their descriptions.
struct Templates: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "templates",
    abstract: "List the templates `plugin-dev new` can use.",
    discussion: """
      Prints the templates folder first, and who chose it: (--templates), \
      (\(TemplateLibrary.environmentVariable)) or (built-in), the Templates folder of this plugin-dev.
      """
  )

  @OptionGroup var templates: TemplateOptions

  func run() async throws {
    let currentDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    let library = try templates.library(currentDirectory: currentDirectory)
    print(Self.listing(library))
  }

  /// The text printed: one block per template, then how to use one.
  static func listing(_ library: TemplateLibrary) -> String {
    var lines = ["templates: \(library.origin)", ""]
    let marker = " (default)"
    func shownLanguage(_ template: Template) -> String {
      template.language + (template.language == New.defaultLanguage ? marker : "")
    }
    let nameWidth = ([8] + library.templates.map(\.name.count)).max().map { $0 + 2 } ?? 10
    let languageWidth = ([8] + library.templates.map { shownLanguage($0).count }).max().map { $0 + 2 } ?? 10
    lines.append("  " + "TEMPLATE".padded(to: nameWidth) + "LANGUAGE".padded(to: languageWidth) + "DESCRIPTION")
    for template in library.templates {
      lines.append(
        "  " + template.name.padded(to: nameWidth) + shownLanguage(template).padded(to: languageWidth)
          + template.description)
    }
    let variables = Set(library.templates.flatMap { $0.manifest.variables.keys }).sorted()
    if !variables.isEmpty {
      lines.append("")
      lines.append("Variables (set with --set KEY=VALUE):")
      for name in variables {
        guard let variable = library.templates.lazy.compactMap({ $0.manifest.variables[name] }).first else { continue }
        lines.append("  \(name) = \(variable.defaultValue): \(variable.description)")
      }
    }
    lines.append("")
    lines.append("Create a plugin: plugin-dev new TEMPLATE [NAME] [--lang LANGUAGE] [--dir DIR]")
    lines.append("  e.g. plugin-dev new kv kv-plugin --lang \(New.defaultLanguage)")
    return lines.joined(separator: "\n")
  }
}

extension String {
  /// The string followed by spaces up to `width` characters (at least one space).
  fileprivate func padded(to width: Int) -> String {
    count + 1 >= width ? self + " " : self + String(repeating: " ", count: width - count)
  }
}
