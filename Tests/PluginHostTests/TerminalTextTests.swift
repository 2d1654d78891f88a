import PluginHost
import Testing

/// Plugin-supplied text cannot drive the user's terminal.
@Suite("TerminalText")
struct TerminalTextTests {
  @Test(arguments: [
    ("\u{1b}[2J\u{1b}]0;pwned\u{07}", "\\x1b[2J\\x1b]0;pwned\\x07"),
    ("plain text", "plain text"),
    ("two\nlines\tand a tab", "two\nlines\tand a tab"),
    ("carriage\rreturn", "carriage\\x0dreturn"),
    ("nul\u{0}del\u{7f}", "nul\\x00del\\x7f"),
    ("csi\u{9b}31m", "csi\\u{9b}31m"),
    ("nel\u{85}", "nel\\u{85}"),
    ("nbsp\u{a0} ä Â", "nbsp\u{a0} ä Â"),
    ("é ✓ 🙂 back\\slash", "é ✓ 🙂 back\\slash"),
  ])
  func controlsAreEscaped(input: String, expected: String) {
    #expect(TerminalText.escapingControls(input) == expected)
  }
}
