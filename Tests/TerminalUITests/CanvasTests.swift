import TerminalUI
import Testing

/// The canvas and the small pieces the views are made of.
@Suite("canvas and widgets")
struct CanvasTests {
  @Test func textIsClippedAtTheEdgesAndCanEndInAnEllipsis() {
    var canvas = Canvas(size: Size(width: 10, height: 2))
    #expect(canvas.put("hello world", x: 2, y: 0) == 8)
    canvas.put("abcdef", x: -3, y: 1)
    #expect(canvas.lines == ["  hello wo", "def"], "starts left of the canvas: the visible part is drawn")
    canvas.put("abcdefgh", x: 0, y: 1, limit: 5, ellipsis: true)
    #expect(canvas.lines == ["  hello wo", "abcd…"])
    canvas.put("abc", x: 0, y: 5)
    canvas.put("abc", x: 20, y: 0)
    #expect(canvas[99, 99] == .blank)
  }

  @Test func styledLinesKeepTheirStylesAndEllipsis() {
    var canvas = Canvas(size: Size(width: 8, height: 1))
    let bold = Style(bold: true)
    canvas.put(StyledLine("ab", bold) + StyledLine("cdefghij"), x: 0, y: 0, ellipsis: true)
    #expect(canvas.lines == ["abcdefg…"])
    #expect(canvas[0, 0].style == bold)
    #expect(canvas[2, 0].style == .plain)
  }

  @Test func controlCharactersTabsWideAndCombiningCharactersNeverBreakTheGrid() {
    var canvas = Canvas(size: Size(width: 12, height: 1))
    canvas.put("a\tb\u{1b}[31m世界e\u{301}👍🏽", x: 0, y: 0)
    #expect(canvas.lines == ["a b·[31m世界é👍🏽"])
    #expect(canvas.row(0).count == 12)
  }

  @Test(arguments: [
    ("e", 1), ("é", 1), ("e\u{301}", 1), ("世", 2), ("👍", 2), ("\u{7}", -1), ("│", 1), ("▁", 1),
  ])
  func characterWidths(_ text: String, _ width: Int) {
    #expect(CharacterWidth.of(Character(text)) == width)
  }

  @Test func wrappingBreaksAtSpacesAndIndentsContinuations() {
    let line = StyledLine("fix: ", Style(bold: true)) + StyledLine("print the handshake and flush stdout")
    let wrapped = line.wrapped(width: 16, indent: 2)
    #expect(wrapped.map(\.text) == ["fix: print the", "  handshake and", "  flush stdout"])
    #expect(wrapped[0].spans.first?.style == Style(bold: true))
    #expect(StyledLine("abcdefghij").wrapped(width: 4).map(\.text) == ["abcd", "efgh", "ij"])
    #expect(StyledLine("x").wrapped(width: 0).isEmpty)
  }

  @Test func inputLineEditing() {
    var input = InputLine()
    for character in "put a hi" { _ = input.handle(.character(character)) }
    _ = input.handle(.left)
    _ = input.handle(.left)
    _ = input.handle(.character("X"))
    #expect(input.text == "put a Xhi")
    _ = input.handle(.control("w"))
    #expect(input.text == "put a hi", "Ctrl-W deletes the word before the cursor")
    _ = input.handle(.home)
    _ = input.handle(.delete)
    #expect(input.text == "ut a hi")
    _ = input.handle(.end)
    _ = input.handle(.backspace)
    #expect(input.text == "ut a h")
    _ = input.handle(.control("u"))
    #expect(input.text.isEmpty)
    let handled = input.handle(.pageUp)
    #expect(!handled, "not an editing key")
  }

  @Test func inputHistorySkipsEmptyAndRepeatedLines() {
    var input = InputLine(historyLimit: 2)
    for line in ["a", "a", " ", "b", "c"] {
      input.setText(line)
      _ = input.submit()
    }
    #expect(input.history == ["b", "c"])
  }

  @Test(arguments: [
    (UInt32(27), Key.escape), (9, .tab), (13, .enter), (10, .enter), (127, .backspace), (8, .backspace),
    (3, .control("c")), (12, .control("l")), (113, .character("q")), (0x4e16, .character("世")),
  ])
  func keyDecoding(_ code: UInt32, _ key: Key) {
    #expect(KeyDecoder.key(forCharacter: code) == key)
  }

  @Test func keyDecodingIgnoresNulAndInvalidScalars() {
    #expect(KeyDecoder.key(forCharacter: 0) == nil)
    #expect(KeyDecoder.key(forCharacter: 0xD800) == nil)
  }

  @Test func boundedBufferKeepsTheNewest() {
    var buffer = BoundedBuffer<Int>(capacity: 3)
    for value in 1...5 { buffer.append(value) }
    #expect(Array(buffer) == [3, 4, 5])
    #expect(buffer.droppedCount == 2)
    buffer.removeAll()
    #expect(buffer.isEmpty)
  }

  @Test func boundedBufferKeepsItsByteBudget() {
    var buffer = BoundedBuffer<String>(capacity: 1_000, byteBudget: 10) { $0.utf8.count }
    for text in ["aaaa", "bbbb", "cccc"] { buffer.append(text) }
    #expect(Array(buffer) == ["bbbb", "cccc"])
    #expect(buffer.bytes == 8)
    buffer.append(String(repeating: "z", count: 50))  // the newest is kept even over the budget
    #expect(Array(buffer) == [String(repeating: "z", count: 50)])
    #expect(buffer.droppedCount == 3)
    for index in 0..<5_000 { buffer.append("\(index % 10)") }
    #expect(buffer.count == 10)
    #expect(buffer.last == "9")
  }

  @Test func layoutFitsTheTerminal() {
    for size in [Size(width: 80, height: 24), Size(width: 132, height: 43), Size(width: 200, height: 60)] {
      let layout = Layout(size: size)
      #expect(!layout.tooSmall)
      #expect(layout.frames.maxX == layout.side.x)
      #expect(layout.side.maxX == size.width)
      #expect(layout.console.maxY == layout.hints.y)
      #expect(layout.frames.maxY == layout.console.y)
    }
    #expect(Layout(size: Size(width: 39, height: 24)).tooSmall)
  }
}
