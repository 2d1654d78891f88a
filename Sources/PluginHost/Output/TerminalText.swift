/// Text made safe to print on a user's terminal.
///
/// A plugin's bytes (stderr, stdout lines, frame payloads, call results) reach headless and
/// `check` output; an escape sequence in them could clear the screen, retitle the window or
/// move the cursor. Control characters are shown as `\x1b`-style escapes instead; line feeds
/// and tabs are kept (they only start a line or move right).
public enum TerminalText {
  /// `text` with every C0 control but `\n` and `\t`, DEL and every C1 control escaped as `\xNN`
  /// (C1 as `\u{NN}`), and a backslash left as it is.
  public static func escapingControls(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: needsEscape) else { return text }
    var result = ""
    result.reserveCapacity(text.utf8.count + 8)
    for scalar in text.unicodeScalars {
      if needsEscape(scalar) {
        let hex = String(scalar.value, radix: 16)
        let padded = hex.count < 2 ? "0" + hex : hex
        result += scalar.value < 0x80 ? "\\x" + padded : "\\u{" + padded + "}"
      } else {
        result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    return (value < 0x20 && value != 0x0A && value != 0x09) || (0x7F...0x9F).contains(value)
  }
}
