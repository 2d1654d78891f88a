/// Turns a character code read from the terminal in raw mode into a key (special keys such
/// as arrows are decoded by the screen, which knows the curses key codes).
public enum KeyDecoder {
  /// The key for a character code, or nil for codes that mean nothing here (NUL, invalid).
  public static func key(forCharacter code: UInt32) -> Key? {
    switch code {
    case 27: return .escape
    case 9: return .tab
    case 10, 13: return .enter
    case 8, 127: return .backspace
    case 0: return nil
    case 1...26:
      guard let scalar = Unicode.Scalar(code + 96) else { return nil }
      return .control(Character(scalar))
    case 28...31: return nil
    default:
      guard let scalar = Unicode.Scalar(code) else { return nil }
      return .character(Character(scalar))
    }
  }
}
