/// An editable line of text with a cursor and a history (the console input and the filter).
public struct InputLine: Sendable, Equatable {
  /// The characters typed.
  public private(set) var characters: [Character] = []
  /// Cursor position, 0…`characters.count`.
  public private(set) var cursor = 0
  /// Submitted lines, oldest first.
  public private(set) var history: [String] = []
  /// Position in `history` while browsing with Up/Down; nil when editing a new line.
  public private(set) var historyIndex: Int?
  private var draft: [Character] = []
  private let historyLimit: Int

  /// Creates an empty line keeping up to `historyLimit` submitted lines.
  public init(historyLimit: Int = 500) {
    self.historyLimit = max(0, historyLimit)
  }

  /// The text.
  public var text: String { String(characters) }

  /// Replaces the text and puts the cursor at its end.
  public mutating func setText(_ text: String) {
    characters = Array(text)
    cursor = characters.count
  }

  /// Applies an editing key; returns false when the key is not an editing key.
  public mutating func handle(_ key: Key) -> Bool {
    switch key {
    case .character(let character):
      characters.insert(character, at: cursor)
      cursor += 1
    case .backspace, .control("h"):
      guard cursor > 0 else { return true }
      characters.remove(at: cursor - 1)
      cursor -= 1
    case .delete, .control("d"):
      guard cursor < characters.count else { return true }
      characters.remove(at: cursor)
    case .left, .control("b"): cursor = max(0, cursor - 1)
    case .right, .control("f"): cursor = min(characters.count, cursor + 1)
    case .home, .control("a"): cursor = 0
    case .end, .control("e"): cursor = characters.count
    case .control("u"):
      characters.removeSubrange(0..<cursor)
      cursor = 0
    case .control("k"):
      characters.removeSubrange(cursor..<characters.count)
    case .control("w"):
      var start = cursor
      while start > 0, characters[start - 1] == " " { start -= 1 }
      while start > 0, characters[start - 1] != " " { start -= 1 }
      characters.removeSubrange(start..<cursor)
      cursor = start
    case .up: historyPrevious()
    case .down: historyNext()
    default: return false
    }
    return true
  }

  /// Returns the text, records it in the history (unless empty or the same as the last) and clears the line.
  public mutating func submit() -> String {
    let line = text
    if !line.trimmingWhitespace.isEmpty, history.last != line {
      history.append(line)
      if history.count > historyLimit { history.removeFirst(history.count - historyLimit) }
    }
    characters = []
    cursor = 0
    historyIndex = nil
    draft = []
    return line
  }

  /// Clears the text (the history stays).
  public mutating func clear() {
    characters = []
    cursor = 0
    historyIndex = nil
  }

  private mutating func historyPrevious() {
    guard !history.isEmpty else { return }
    let index: Int
    if let current = historyIndex {
      index = max(0, current - 1)
    } else {
      draft = characters
      index = history.count - 1
    }
    historyIndex = index
    characters = Array(history[index])
    cursor = characters.count
  }

  private mutating func historyNext() {
    guard let current = historyIndex else { return }
    if current + 1 < history.count {
      historyIndex = current + 1
      characters = Array(history[current + 1])
    } else {
      historyIndex = nil
      characters = draft
    }
    cursor = characters.count
  }
}
