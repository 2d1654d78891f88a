import TestSupport
import Testing

@testable import WireTap

@Suite("HTTP/2 frame parser")
struct HTTP2FrameParserTests {
  /// One frame of every type plus an unknown one.
  static let sampleFrames: [HTTP2Frame] = [
    HTTP2Frame(type: .data, flags: 0x1, streamID: 1, payload: [0, 0, 0, 0, 2, 8, 1]),
    HTTP2Frame(type: .headers, flags: 0x4, streamID: 1, payload: [0x82, 0x86, 0x84]),
    HTTP2Frame(type: .priority, streamID: 3, payload: [0x80, 0, 0, 1, 15]),
    HTTP2Frame(type: .rstStream, streamID: 3, payload: [0, 0, 0, 8]),
    HTTP2Frame(type: .settings, streamID: 0, payload: [0, 4, 0, 0, 0xff, 0xff]),
    HTTP2Frame(type: .pushPromise, flags: 0x4, streamID: 1, payload: [0, 0, 0, 2, 0x82]),
    HTTP2Frame(type: .ping, flags: 0x1, streamID: 0, payload: [1, 2, 3, 4, 5, 6, 7, 8]),
    HTTP2Frame(type: .goaway, streamID: 0, payload: [0, 0, 0, 7, 0, 0, 0, 0xb]),
    HTTP2Frame(type: .windowUpdate, streamID: 0, payload: [0, 0, 0, 5]),
    HTTP2Frame(type: .continuation, flags: 0x4, streamID: 1, payload: [0x82]),
    HTTP2Frame(type: HTTP2FrameType(0x0b), flags: 0xff, streamID: 9, payload: Array(repeating: 7, count: 300)),
    HTTP2Frame(type: .data, streamID: 0x7fff_ffff, payload: []),
  ]

  static var sampleStream: [UInt8] {
    HTTP2FrameParser.clientPreface + sampleFrames.flatMap(\.wireBytes)
  }

  static var expectedOutputs: [HTTP2FrameParser.Output] {
    [.preface] + sampleFrames.map { .frame($0) }
  }

  @Test func parsesPrefaceAndEveryFrameType() {
    var parser = HTTP2FrameParser(expectsClientPreface: true)
    #expect(parser.feed(Self.sampleStream) == Self.expectedOutputs)
    #expect(parser.bufferedByteCount == 0)
    #expect(!parser.hasFailed)
  }

  @Test func framesWithoutPrefaceInPluginDirection() {
    var parser = HTTP2FrameParser(expectsClientPreface: false)
    #expect(parser.feed(Self.sampleFrames.flatMap(\.wireBytes)) == Self.sampleFrames.map { .frame($0) })
  }

  @Test func splitAtEveryByteBoundaryGivesTheSameOutput() {
    let bytes = Self.sampleStream
    for split in 0...bytes.count {
      var parser = HTTP2FrameParser(expectsClientPreface: true)
      let outputs = parser.feed(bytes[..<split]) + parser.feed(bytes[split...])
      #expect(outputs == Self.expectedOutputs, "split at \(split)")
    }
  }

  @Test func oneByteAtATimeGivesTheSameOutput() {
    var parser = HTTP2FrameParser(expectsClientPreface: true)
    var outputs: [HTTP2FrameParser.Output] = []
    for byte in Self.sampleStream {
      outputs += parser.feed([byte])
    }
    #expect(outputs == Self.expectedOutputs)
  }

  @Test func randomThreeWaySplitsGiveTheSameOutput() {
    let bytes = Self.sampleStream
    var rng = SeededGenerator(seed: 7)
    for _ in 0..<500 {
      let a = Int.random(in: 0...bytes.count, using: &rng)
      let b = Int.random(in: a...bytes.count, using: &rng)
      var parser = HTTP2FrameParser(expectsClientPreface: true)
      let outputs = parser.feed(bytes[..<a]) + parser.feed(bytes[a..<b]) + parser.feed(bytes[b...])
      #expect(outputs == Self.expectedOutputs, "splits \(a), \(b)")
    }
  }

  @Test func incompleteFrameWaits() {
    var parser = HTTP2FrameParser(expectsClientPreface: false)
    let frame = HTTP2Frame(type: .data, streamID: 1, payload: Array(repeating: 1, count: 100)).wireBytes
    #expect(parser.feed(frame.prefix(50)).isEmpty)
    #expect(parser.bufferedByteCount == 50)
    #expect(parser.feed(frame.dropFirst(50)).count == 1)
  }

  @Test func reservedStreamBitIsCleared() {
    var bytes = HTTP2Frame(type: .windowUpdate, streamID: 5, payload: [0, 0, 0, 1]).wireBytes
    bytes[5] |= 0x80
    var parser = HTTP2FrameParser(expectsClientPreface: false)
    guard case .frame(let frame) = parser.feed(bytes).first else {
      Issue.record("no frame")
      return
    }
    #expect(frame.streamID == 5)
  }

  @Test func badPrefaceIsAnErrorAndStopsTheDirection() {
    var parser = HTTP2FrameParser(expectsClientPreface: true)
    let outputs = parser.feed(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
    #expect(outputs.count == 1)
    guard case .error(let message) = outputs.first else {
      Issue.record("expected an error, got \(outputs)")
      return
    }
    #expect(message.contains("but got \"GET / HTTP/1.1\\r\\nHost: x\\r\";"))
    #expect(message.contains("HTTP/1.x"))
    #expect(parser.hasFailed)
    #expect(parser.feed(HTTP2FrameParser.clientPreface).isEmpty)
    #expect(parser.feed(Self.sampleFrames[0].wireBytes).isEmpty)
  }

  @Test func prefaceMismatchFoundAcrossFeeds() {
    var parser = HTTP2FrameParser(expectsClientPreface: true)
    #expect(parser.feed(Array("PRI * HTTP/2".utf8)).isEmpty)
    let outputs = parser.feed(Array(".1\r\n".utf8))
    guard case .error(let message) = outputs.first else {
      Issue.record("expected an error, got \(outputs)")
      return
    }
    #expect(message.contains("but got \"PRI * HTTP/2.1\\r\\n\""))
  }

  @Test func tlsClientHelloGetsAHint() {
    var parser = HTTP2FrameParser(expectsClientPreface: true)
    let outputs = parser.feed([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03])
    guard case .error(let message) = outputs.first else {
      Issue.record("expected an error")
      return
    }
    #expect(message.contains("<16 03 01 02 00 01 00 01 fc 03 03>"))
    #expect(message.contains("TLS handshake"))
  }

  @Test func framesWithoutPrefaceGetAHint() {
    var parser = HTTP2FrameParser(expectsClientPreface: true)
    guard case .error(let message) = parser.feed(FrameBuilder.settings([(.maxFrameSize, 16384)])).first else {
      Issue.record("expected an error")
      return
    }
    #expect(message.contains("without the preface"))
  }

  // MARK: Padding and priority

  @Test func paddedDataIsStripped() throws {
    var parser = HTTP2FrameParser(expectsClientPreface: false)
    let outputs = parser.feed(FrameBuilder.data(stream: 1, [1, 2, 3], padding: 4))
    guard case .frame(let frame) = outputs.first else {
      Issue.record("no frame")
      return
    }
    #expect(frame.length == 8)
    #expect(frame.flagNames == ["PADDED"])
    #expect(Array(try frame.dataContent()) == [1, 2, 3])
  }

  @Test func paddingLongerThanPayloadIsAnError() {
    let frame = HTTP2Frame(type: .data, flags: HTTP2Frame.paddedFlag, streamID: 1, payload: [10, 1, 2, 3])
    #expect(throws: HTTP2FrameError("DATA padding length 10 exceeds the 3 bytes after the Pad Length byte")) {
      try frame.dataContent()
    }
    let empty = HTTP2Frame(type: .headers, flags: HTTP2Frame.paddedFlag, streamID: 1, payload: [])
    #expect(throws: HTTP2FrameError.self) { try empty.headerBlockFragment() }
  }

  @Test func paddedHeadersWithPriority() throws {
    var parser = HTTP2FrameParser(expectsClientPreface: false)
    let bytes = FrameBuilder.headers(
      stream: 3, block: [0x82, 0x86], padding: 3, priority: (exclusive: true, dependency: 1, weight: 15))
    guard case .frame(let frame) = parser.feed(bytes).first else {
      Issue.record("no frame")
      return
    }
    #expect(frame.flagNames == ["END_HEADERS", "PADDED", "PRIORITY"])
    let (fragment, priority) = try frame.headerBlockFragment()
    #expect(Array(fragment) == [0x82, 0x86])
    #expect(priority == HTTP2Frame.PriorityInfo(exclusive: true, dependency: 1, weight: 16))
  }

  @Test func priorityFlagWithoutRoomIsAnError() {
    let frame = HTTP2Frame(
      type: .headers, flags: HTTP2Frame.priorityFlag | HTTP2Frame.paddedFlag, streamID: 1, payload: [1, 0, 0, 0, 9])
    #expect(throws: HTTP2FrameError.self) { try frame.headerBlockFragment() }
  }

  // MARK: Names

  @Test(arguments: [
    (HTTP2FrameType.data, 0x09 as UInt8, ["END_STREAM", "PADDED"]),
    (.headers, 0x2d, ["END_STREAM", "END_HEADERS", "PADDED", "PRIORITY"]),
    (.settings, 0x01, ["ACK"]),
    (.ping, 0x01, ["ACK"]),
    (.pushPromise, 0x0c, ["END_HEADERS", "PADDED"]),
    (.continuation, 0x04, ["END_HEADERS"]),
    (.goaway, 0x00, []),
    (.data, 0x40, ["0x40"]),
    (.windowUpdate, 0x01, ["0x01"]),
  ])
  func flagNames(type: HTTP2FrameType, flags: UInt8, names: [String]) {
    #expect(HTTP2Frame(type: type, flags: flags, streamID: 1).flagNames == names)
  }

  @Test(arguments: [
    (0x0 as UInt8, "DATA"), (0x1, "HEADERS"), (0x2, "PRIORITY"), (0x3, "RST_STREAM"), (0x4, "SETTINGS"),
    (0x5, "PUSH_PROMISE"), (0x6, "PING"), (0x7, "GOAWAY"), (0x8, "WINDOW_UPDATE"), (0x9, "CONTINUATION"),
    (0xb, "UNKNOWN(0x0b)"), (0xff, "UNKNOWN(0xff)"),
  ])
  func frameTypeNames(raw: UInt8, name: String) {
    #expect(HTTP2FrameType(raw).name == name)
  }

  @Test(arguments: [
    (0x0 as UInt32, "NO_ERROR"), (0x1, "PROTOCOL_ERROR"), (0x2, "INTERNAL_ERROR"), (0x3, "FLOW_CONTROL_ERROR"),
    (0x4, "SETTINGS_TIMEOUT"), (0x5, "STREAM_CLOSED"), (0x6, "FRAME_SIZE_ERROR"), (0x7, "REFUSED_STREAM"),
    (0x8, "CANCEL"), (0x9, "COMPRESSION_ERROR"), (0xa, "CONNECT_ERROR"), (0xb, "ENHANCE_YOUR_CALM"),
    (0xc, "INADEQUATE_SECURITY"), (0xd, "HTTP_1_1_REQUIRED"), (0xe, "0xe"), (0x1234, "0x1234"),
  ])
  func errorCodeNames(raw: UInt32, name: String) {
    #expect(HTTP2ErrorCode(raw).name == name)
  }

  @Test(arguments: [
    (0x1 as UInt16, "HEADER_TABLE_SIZE"), (0x2, "ENABLE_PUSH"), (0x3, "MAX_CONCURRENT_STREAMS"),
    (0x4, "INITIAL_WINDOW_SIZE"), (0x5, "MAX_FRAME_SIZE"), (0x6, "MAX_HEADER_LIST_SIZE"),
    (0x8, "ENABLE_CONNECT_PROTOCOL"), (0x7, "0x07"), (0x0a, "0x0a"), (0xfe, "0xfe"),
  ])
  func settingNames(raw: UInt16, name: String) {
    #expect(HTTP2Setting(raw).name == name)
  }

  @Test(arguments: [
    ("ok", "ok"), ("ok%20%E2%9C%93", "ok ✓"), ("100%25", "100%"), ("bad%zz", "bad%zz"), ("end%2", "end%2"),
    ("%", "%"), ("%ff", "\u{FFFD}"),
  ])
  func percentDecoding(encoded: String, decoded: String) {
    #expect(PercentDecoding.decode(encoded) == decoded)
  }
}
