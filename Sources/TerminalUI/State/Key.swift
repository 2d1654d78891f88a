/// A key press, decoded from the terminal.
public enum Key: Sendable, Hashable {
  /// A printable character (including space).
  case character(Character)
  /// Enter / Return.
  case enter
  /// Escape.
  case escape
  /// Tab.
  case tab
  /// Shift-Tab.
  case backTab
  /// Backspace.
  case backspace
  /// Delete (forward).
  case delete
  /// Arrow up.
  case up
  /// Arrow down.
  case down
  /// Arrow left.
  case left
  /// Arrow right.
  case right
  /// Page up.
  case pageUp
  /// Page down.
  case pageDown
  /// Home.
  case home
  /// End.
  case end
  /// Ctrl plus a letter, lower-case (`.control("c")` is Ctrl-C).
  case control(Character)
  /// A function key, F1 = 1.
  case function(Int)
}
