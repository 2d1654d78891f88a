import Testing

@testable import PluginHost

@Suite("LineSplitter")
struct LineSplitterTests {
  @Test func splitsLinesAndCRLF() {
    var splitter = LineSplitter()
    #expect(splitter.feed(Array("a\nb\r\nc".utf8)).map(\.text) == ["a", "b"])
    #expect(splitter.finish() == LineSplitter.Line(text: "c", byteCount: 1, unterminated: true))
    #expect(splitter.finish() == nil)
  }

  @Test("the same lines whatever the chunking", arguments: [1, 2, 3, 7, 64])
  func chunking(size: Int) {
    let text = Array("1|1|tcp|127.0.0.1:1234|grpc\n{\"@level\":\"info\"}\nτέλος\n".utf8)
    var splitter = LineSplitter()
    var lines: [String] = []
    for start in stride(from: 0, to: text.count, by: size) {
      lines += splitter.feed(text[start..<min(start + size, text.count)]).map(\.text)
    }
    #expect(lines == ["1|1|tcp|127.0.0.1:1234|grpc", "{\"@level\":\"info\"}", "τέλος"])
  }

  @Test func longLinesComeInPieces() {
    var splitter = LineSplitter(maxLineLength: 4)
    let lines = splitter.feed(Array("abcdefghij\nxy\n".utf8))
    #expect(lines.map(\.text) == ["abcd", "efgh", "ij", "xy"])
    #expect(lines.map(\.continues) == [true, true, false, false])
    #expect(lines.map(\.isContinuation) == [false, true, true, false])
  }

  /// The splitter against a model that takes one byte at a time (the splitter searches for each
  /// newline instead): random lines around the cut length, CRLF, invalid UTF-8, random chunks.
  @Test("the same lines as a byte-at-a-time model", arguments: 0..<40)
  func matchesAByteAtATimeModel(seed: Int) {
    var rng = SystemRandomNumberGenerator()
    let cut = [1, 2, 5, 16][seed % 4]
    var input: [UInt8] = []
    for _ in 0..<Int.random(in: 0...30, using: &rng) {
      let length = Int.random(in: 0...(cut * 3), using: &rng)
      input += (0..<length).map { _ in [0x61, 0x0D, 0xFF, 0xC3, 0xA9, 0x7A].randomElement(using: &rng)! }
      if Bool.random(using: &rng) { input.append(0x0D) }
      input.append(0x0A)
    }
    input += Array("tail".utf8.prefix(Int.random(in: 0...4, using: &rng)))

    var model = ByteAtATimeModel(maxLineLength: cut)
    var expected = input.flatMap { model.feed($0) }
    if let last = model.finish() { expected.append(last) }

    var splitter = LineSplitter(maxLineLength: cut)
    var lines: [LineSplitter.Line] = []
    var start = 0
    while start < input.count {
      let end = min(input.count, start + Int.random(in: 1...(cut * 4), using: &rng))
      lines += splitter.feed(input[start..<end])
      start = end
    }
    if let last = splitter.finish() { lines.append(last) }
    #expect(lines == expected, "input \(input)")
  }

  /// The splitting rules stated one byte at a time: a newline ends the line; `maxLineLength`
  /// bytes without one end a piece that `continues`.
  struct ByteAtATimeModel {
    let maxLineLength: Int
    var pending: [UInt8] = []
    var inLongLine = false

    mutating func feed(_ byte: UInt8) -> [LineSplitter.Line] {
      if byte == 0x0A {
        defer { (pending, inLongLine) = ([], false) }
        return [line(continues: false, unterminated: false)]
      }
      pending.append(byte)
      guard pending.count >= maxLineLength else { return [] }
      defer { (pending, inLongLine) = ([], true) }
      return [line(continues: true, unterminated: false)]
    }

    mutating func finish() -> LineSplitter.Line? {
      pending.isEmpty ? nil : line(continues: false, unterminated: true)
    }

    func line(continues: Bool, unterminated: Bool) -> LineSplitter.Line {
      var bytes = pending
      let carriageReturn = !continues && bytes.last == 0x0D
      if carriageReturn { bytes.removeLast() }
      let text = String(decoding: bytes, as: UTF8.self)
      var line = LineSplitter.Line(
        text: text, byteCount: bytes.count, continues: continues, isContinuation: inLongLine,
        unterminated: unterminated)
      line.carriageReturn = carriageReturn
      if Array(text.utf8) != bytes { line.invalidUTF8 = bytes }
      return line
    }
  }

  @Test func invalidUTF8IsRepaired() {
    var splitter = LineSplitter()
    #expect(splitter.feed([0x61, 0xFF, 0x62, 0x0A]).first?.text == "a\u{FFFD}b")
  }
}

@Suite("LineSplitter: the bytes wrap passes on")
struct LineSplitterOriginalBytesTests {
  @Test(
    "a line's original bytes are the bytes fed",
    arguments: [
      Array("plain\n".utf8), Array("crlf\r\n".utf8), [0x62, 0x61, 0x64, 0xFF, 0xFE, 0x0A], Array("no newline".utf8),
      Array("\n".utf8), Array("τέλος\r\n".utf8), [0xE2, 0x82, 0x0D, 0x0A],
    ])
  func originalBytes(_ input: [UInt8]) {
    var splitter = LineSplitter()
    var lines = splitter.feed(input)
    if let last = splitter.finish() { lines.append(last) }
    #expect(lines.flatMap(\.originalBytes) == input)
  }

  @Test func aLongLineInPiecesIsPassedOnWhole() {
    var splitter = LineSplitter(maxLineLength: 4)
    let input = Array("abcdefghij\r\nxy".utf8)
    var lines = splitter.feed(input)
    if let last = splitter.finish() { lines.append(last) }
    #expect(lines.flatMap(\.originalBytes) == input)
  }
}
