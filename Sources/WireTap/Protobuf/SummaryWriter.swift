/// Builds a summary string with a character budget.
struct SummaryWriter {
  private var output = ""
  private var count = 0
  private let limit: Int
  private(set) var exhausted = false

  init(limit: Int) { self.limit = limit }

  mutating func write(_ text: String) {
    guard !exhausted else { return }
    let length = text.count
    if count + length > limit {
      output += text.prefix(max(0, limit - count))
      output += "…"
      exhausted = true
    } else {
      output += text
      count += length
    }
  }

  mutating func writeMessage(_ message: RenderedMessage, depth: Int) {
    if depth >= RenderLimits.summaryDepth, !message.fields.isEmpty {
      write("{…}")
      return
    }
    write("{")
    for (index, field) in message.fields.enumerated() {
      if exhausted { return }
      if index > 0 { write(", ") }
      write(field.name + ": ")
      writeValue(field.value, depth: depth + 1)
    }
    if message.omittedFields > 0 { write(", …") }
    write("}")
  }

  mutating func writeValue(_ value: RenderedValue, depth: Int) {
    switch value {
    case .scalar(let text):
      write(text)
    case .string(let text, let total):
      var shown = TextPreview.quoted(text, maxCharacters: RenderLimits.summaryStringCharacters)
      if total > text.utf8.count, !shown.hasSuffix("…\"") {
        shown.removeLast()
        shown += "…\""
      }
      write(shown)
    case .bytes(let prefix, let count):
      write(
        TextPreview.bytes(
          prefix, totalCount: count, maxCharacters: RenderLimits.summaryBytesCharacters,
          maxHexBytes: RenderLimits.summaryHexBytes))
    case .message(let nested):
      writeMessage(nested, depth: depth)
    case .list(let elements, let total):
      write("[")
      for (index, element) in elements.prefix(RenderLimits.summaryElements).enumerated() {
        if exhausted { return }
        if index > 0 { write(", ") }
        writeValue(element, depth: depth + 1)
      }
      if total > RenderLimits.summaryElements { write(", … \(total) total") }
      write("]")
    case .map(let entries, let total):
      write("{")
      for (index, entry) in entries.prefix(RenderLimits.summaryElements).enumerated() {
        if exhausted { return }
        if index > 0 { write(", ") }
        writeValue(entry.key, depth: depth + 1)
        write(": ")
        writeValue(entry.value, depth: depth + 1)
      }
      if total > RenderLimits.summaryElements { write(", … \(total) total") }
      write("}")
    }
  }

  func finish() -> String { output }
}
