import Foundation
import TerminalUI
import Testing

/// Writes the fixture screens to `$TUI_GOLDEN_DIR` (to review them and refresh the literals in
/// RenderTests); skipped unless the variable is set.
@Suite("golden dump", .enabled(if: ProcessInfo.processInfo.environment["TUI_GOLDEN_DIR"] != nil))
struct GoldenDump {
  @Test func dump() throws {
    let directory = ProcessInfo.processInfo.environment["TUI_GOLDEN_DIR"] ?? "/tmp"
    for (name, state) in RenderTests.screens() {
      let text = render(state, size: state.size).lines.joined(separator: "\n") + "\n"
      try text.write(toFile: "\(directory)/\(name).txt", atomically: true, encoding: .utf8)
    }
  }
}
