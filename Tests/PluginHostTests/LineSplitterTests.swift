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
