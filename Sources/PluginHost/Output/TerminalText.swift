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
    guard hasControls(text) else { return text }
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

  /// `text` on one line: each line break (`\r\n`, `\n`, `\r`) becomes `⏎`, so bytes a plugin sent
  /// cannot start a line of their own in text output (or forge one of plugin-dev's).
  public static func oneLine(_ text: String) -> String {
    guard text.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D }) else { return text }
    return text.replacingOccurrences(of: "\r\n", with: "⏎").replacingOccurrences(of: "\n", with: "⏎")
      .replacingOccurrences(of: "\r", with: "⏎")
  }

  /// Whether `text` holds a character `escapingControls` rewrites, by a scan of its UTF-8 bytes
  /// (a plugin's stderr lines pass through here, some of them 64 KiB long): C0 controls but tab
  /// and newline, DEL, and the C1 controls U+0080–U+009F, which UTF-8 writes as C2 80–C2 9F.
  private static func hasControls(_ text: String) -> Bool {
    var text = text
    return text.withUTF8 { bytes in
      var index = 0
      while index < bytes.count {
        let byte = bytes[index]
        if byte < 0x20 {
          if byte != 0x0A, byte != 0x09 { return true }
        } else if byte == 0x7F {
          return true
        } else if byte == 0xC2, index + 1 < bytes.count, (0x80...0x9F).contains(bytes[index + 1]) {
          return true
        }
        index += 1
      }
      return false
    }
  }

  private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    let value = scalar.value
    return (value < 0x20 && value != 0x0A && value != 0x09) || (0x7F...0x9F).contains(value)
  }
}
