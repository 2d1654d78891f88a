import ArgumentParser
import Testing

@testable import plugin_dev

/// Help texts are paragraphs that ArgumentParser wraps once: a line break inside a paragraph,
/// wrapped again, read "command. wrap⏎starts the plugin" (issue #27 item 7).
@Suite("help texts")
struct HelpTextTests {
  static let commands: [any ParsableCommand.Type] = [
    PluginDev.self, Run.self, Check.self, Env.self, Wrap.self, View.self, New.self, Templates.self, Hosts.self,
  ]

  @Test func paragraphsHaveNoHardLineBreaks() {
    for command in Self.commands {
      let lines = command.configuration.discussion.split(separator: "\n", omittingEmptySubsequences: false)
      for (index, line) in lines.enumerated().dropLast() {
        let next = lines[index + 1]
        // A break is fine before a blank line, an indented example, a list item or a new heading.
        let fine =
          line.isEmpty || next.isEmpty || next.hasPrefix(" ") || next.hasPrefix("- ") || line.hasPrefix(" ")
          || line.hasSuffix(":")
        #expect(fine, "\(command.configuration.commandName ?? "plugin-dev"): break after \"\(line)\"")
      }
    }
  }
}
