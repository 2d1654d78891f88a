/// Draws an input line: prompt, text scrolled so the cursor is visible, cursor as a reversed cell.
enum InputLineView {
  static func draw(
    _ input: InputLine, prompt: StyledLine, placeholder: String = "", focused: Bool, into canvas: inout Canvas,
    _ rect: Rect
  ) {
    guard !rect.isEmpty else { return }
    let used = canvas.put(prompt, x: rect.x, y: rect.y, limit: rect.width)
    let room = rect.width - used - 1
    guard room > 0 else { return }
    let x = rect.x + used
    if input.characters.isEmpty, !focused {
      canvas.put(placeholder, x: x, y: rect.y, style: Theme.dim, limit: room + 1, ellipsis: true)
      return
    }
    let start = max(0, input.cursor - room)
    let visible = input.characters[start..<min(input.characters.count, start + room)]
    canvas.put(String(visible), x: x, y: rect.y, limit: room)
    if focused {
      let cursorX = x + input.cursor - start
      let under = input.cursor < input.characters.count ? input.characters[input.cursor] : " "
      canvas.set(under, x: cursorX, y: rect.y, style: Theme.cursor)
    }
  }
}
