import ArgumentParser
import Foundation
import Testing

@testable import plugin_dev

/// docs/plugin-dev.1 (Scripts/generate-manual.sh) names every command and every long option:
/// a command or option added without regenerating the man page fails here.
@Suite("the man page")
struct ManualTests {
  static let manual = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("docs/plugin-dev.1")

  @Test func everyCommandAndOptionIsInIt() throws {
    let text = try String(contentsOf: Self.manual, encoding: .utf8)
    for command in HelpTextTests.commands where command != PluginDev.self {
      let name = command._commandName
      #expect(text.contains(name), "\(name) missing: run Scripts/generate-manual.sh")
      let help = command.helpMessage(columns: 200)
      let options = Set(help.matches(of: /--[a-z][a-z0-9-]+/).map { String($0.output) })
      for option in options.sorted() where option != "--help" {
        // mdoc writes an option as `Fl -name` (a flag's leading dash is the macro's).
        let written = text.contains("Fl \(option.dropFirst())") || text.contains(option)
        #expect(written, "\(name) \(option) missing: run Scripts/generate-manual.sh")
      }
    }
  }
}
