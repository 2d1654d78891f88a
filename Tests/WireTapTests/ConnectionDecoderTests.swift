import Foundation
import NIOHPACK
import SwiftProtobuf
import Testing

@testable import WireTap

@Suite("Connection decoder: HPACK, streams and errors")
struct ConnectionDecoderTests {
  static let time = Date(timeIntervalSince1970: 1_800_000_000)

  /// A decoder that has already seen the preface and empty SETTINGS both ways.
  static func started(registry: MessageRegistry = SyntheticSession.registry) -> ConnectionDecoder {
    var decoder = ConnectionDecoder(registry: registry)
    _ = decoder.feed(HTTP2FrameParser.clientPreface + FrameBuilder.settings([]), direction: .hostToPlugin, at: time)
    _ = decoder.feed(FrameBuilder.settings([]), direction: .pluginToHost, at: time)
    return decoder
  }

  // MARK: HPACK

  @Test func dynamicTableAcrossTwoRequestsOnOneDirection() throws {
    var decoder = Self.started()
    var encoder = BlockEncoder()
    let headers = FrameBuilder.requestHeaders(path: "/x.Svc/Method", extra: [("x-trace", "abcdefghijklmnop")])
    let first = try encoder.encode(headers)
    let second = try encoder.encode(headers)
    #expect(second.count < first.count)
    let records = decoder.feed(
      FrameBuilder.headers(stream: 1, block: first) + FrameBuilder.headers(stream: 3, block: second),
      direction: .hostToPlugin, at: Self.time)
    #expect(records.map(\.summary) == ["HEADERS /x.Svc/Method", "HEADERS /x.Svc/Method"])
    #expect(records[0].headers == records[1].headers)
    #expect(records[1].headers?.last == HeaderField(name: "x-trace", value: "abcdefghijklmnop"))
    #expect(records[1].length == second.count)
  }

  /// The plugin advertises HEADER_TABLE_SIZE=8192, which allows the *host's* encoder (whose
  /// blocks the plugin decodes) to grow its table; the host's own SETTINGS (256) govern
  /// the plugin's encoder.
  @Test func headerTableSizeSettingAppliesToTheOtherDirection() throws {
    var decoder = ConnectionDecoder()
    var records = decoder.feed(
      HTTP2FrameParser.clientPreface + FrameBuilder.settings([(.headerTableSize, 256)]), direction: .hostToPlugin,
      at: Self.time)
    records += decoder.feed(FrameBuilder.settings([(.headerTableSize, 8192)]), direction: .pluginToHost, at: Self.time)
    #expect(
      records.map(\.summary) == [
        "PREFACE PRI * HTTP/2.0 (client connection preface)", "SETTINGS HEADER_TABLE_SIZE=256",
        "SETTINGS HEADER_TABLE_SIZE=8192",
      ])

    // Host → plugin: table resized to 8192 and filled beyond 4096 bytes.
    var host = BlockEncoder()
    try host.encoder.setDynamicTableSize(8192)
    let big = String(repeating: "v", count: 5000)
    let first = try host.encode(FrameBuilder.requestHeaders(path: "/a.B/C", extra: [("x-big", big)]))
    let second = try host.encode(FrameBuilder.requestHeaders(path: "/a.B/C", extra: [("x-big", big)]))
    #expect(second.count < 100)  // x-big came from the 8 KiB dynamic table
    let hostRecords = decoder.feed(
      FrameBuilder.headers(stream: 1, block: first) + FrameBuilder.headers(stream: 3, block: second),
      direction: .hostToPlugin, at: Self.time)
    #expect(hostRecords.map(\.kind) == [.frame, .frame])
    #expect(hostRecords[1].headers?.last?.value == big)

    // Plugin → host: 256 is allowed, 8192 is not (the host never advertised it).
    var plugin = BlockEncoder()
    try plugin.encoder.setDynamicTableSize(256)
    let ok = try plugin.encode([":status": "200"])
    #expect(
      decoder.feed(FrameBuilder.headers(stream: 1, block: ok), direction: .pluginToHost, at: Self.time).first?.kind
        == .frame)

    var greedy = BlockEncoder()
    try greedy.encoder.setDynamicTableSize(8192)
    let tooBig = try greedy.encode([":status": "200"])
    let failed = decoder.feed(FrameBuilder.headers(stream: 3, block: tooBig), direction: .pluginToHost, at: Self.time)
    #expect(failed.first?.kind == .decodeError)
    #expect(failed.first?.decodeError?.contains("HPACK decoding failed") == true)
  }

  @Test func headerTableSizeIsAppliedWhenSeenMidConnection() throws {
    var decoder = Self.started()
    var host = BlockEncoder()
    try host.encoder.setDynamicTableSize(16384)
    let block = try host.encode(FrameBuilder.requestHeaders(path: "/a.B/C"))
    // Before the plugin advertises a larger table, the size update is rejected.
    #expect(
      decoder.feed(FrameBuilder.headers(stream: 1, block: block), direction: .hostToPlugin, at: Self.time).first?.kind
        == .decodeError)

    var fresh = Self.started()
    _ = fresh.feed(FrameBuilder.settings([(.headerTableSize, 16384)]), direction: .pluginToHost, at: Self.time)
    #expect(
      fresh.feed(FrameBuilder.headers(stream: 1, block: block), direction: .hostToPlugin, at: Self.time).first?.summary
        == "HEADERS /a.B/C")
  }

  // MARK: CONTINUATION

  @Test func headersSplitAcrossContinuationFrames() throws {
    var decoder = Self.started()
    var encoder = BlockEncoder()
    let block = try encoder.encode(FrameBuilder.requestHeaders(path: "/x.Svc/Method"))
    let a = Array(block[..<5])
    let b = Array(block[5..<10])
    let c = Array(block[10...])
    let bytes =
      FrameBuilder.headers(stream: 1, block: a, endHeaders: false, padding: 2, priority: (false, 0, 200))
      + FrameBuilder.continuation(stream: 1, block: b, endHeaders: false)
      + FrameBuilder.continuation(stream: 1, block: c, endHeaders: true)
    let records = decoder.feed(bytes, direction: .hostToPlugin, at: Self.time)
    #expect(
      records.map(\.summary) == [
        "HEADERS (header block continues in CONTINUATION)", "CONTINUATION (header block continues)",
        "CONTINUATION /x.Svc/Method",
      ])
    #expect(records[0].headers == nil)
    #expect(records[2].headers?.count == 6)
    #expect(records[2].method == "/x.Svc/Method")
    #expect(records.allSatisfy { $0.kind == .frame })
  }

  @Test func frameInterruptingAHeaderBlockIsAnError() throws {
    var decoder = Self.started()
    var encoder = BlockEncoder()
    let block = try encoder.encode(FrameBuilder.requestHeaders(path: "/x.Svc/Method"))
    let records = decoder.feed(
      FrameBuilder.headers(stream: 1, block: Array(block.prefix(4)), endHeaders: false)
        + FrameBuilder.ping([0, 0, 0, 0, 0, 0, 0, 1]),
      direction: .hostToPlugin, at: Self.time)
    #expect(records.map(\.kind) == [.frame, .decodeError])
    #expect(
      records[1].decodeError?.hasPrefix("expected CONTINUATION of the header block on stream 1 but got PING") == true)
  }

  @Test func continuationWithoutHeadersIsAnError() {
    var decoder = Self.started()
    let records = decoder.feed(
      FrameBuilder.continuation(stream: 1, block: [0x82], endHeaders: true), direction: .hostToPlugin, at: Self.time)
    #expect(records.first?.kind == .decodeError)
    #expect(
      records.first?.summary
        == "CONTINUATION error: CONTINUATION on stream 1 without a preceding HEADERS or PUSH_PROMISE")
  }

  // MARK: Streams and messages

  @Test func dataBeforeTheWholeMessageArrives() throws {
    var decoder = Self.started()
    var encoder = BlockEncoder()
    _ = decoder.feed(
      FrameBuilder.headers(stream: 1, block: try encoder.encode(FrameBuilder.requestHeaders(path: "/x.Svc/Method"))),
      direction: .hostToPlugin, at: Self.time)
    let message =
      try Google_Protobuf_StringValue.with { $0.value = String(repeating: "z", count: 100) }.serializedBytes()
      as [UInt8]
    let wire = FrameBuilder.grpc(message)
    var records = decoder.feed(FrameBuilder.data(stream: 1, Array(wire[..<3])), direction: .hostToPlugin, at: Self.time)
    records += decoder.feed(
      FrameBuilder.data(stream: 1, Array(wire[3..<50]), padding: 10), direction: .hostToPlugin, at: Self.time)
    records += decoder.feed(
      FrameBuilder.data(stream: 1, endStream: true, Array(wire[50...])), direction: .hostToPlugin, at: Self.time)
    #expect(
      records.map(\.summary) == [
        "DATA 3 bytes (partial message prefix)",
        "DATA partial message (50 of \(wire.count) bytes)",
        "DATA StringValue {value: \"\(String(repeating: "z", count: 40))…\"}",
      ])
    #expect(records.allSatisfy { $0.method == "/x.Svc/Method" })
  }

  @Test func severalMessagesInOneDataFrameAndEmptyData() throws {
    var decoder = Self.started()
    let one = FrameBuilder.grpc([0x0a, 0x01, 0x61])
    let records = decoder.feed(
      FrameBuilder.data(stream: 5, one + one + one) + FrameBuilder.data(stream: 5, endStream: true, []),
      direction: .hostToPlugin, at: Self.time)
    #expect(records.map(\.summary) == ["DATA {1: \"a\"} (+2 more)", "DATA (empty)"])
    #expect(records[0].messages.count == 3)
    #expect(records[0].method == nil)
  }

  @Test func trailersOnlyResponseWithError() throws {
    var decoder = Self.started()
    var host = BlockEncoder()
    var plugin = BlockEncoder()
    _ = decoder.feed(
      FrameBuilder.headers(stream: 1, block: try host.encode(FrameBuilder.requestHeaders(path: "/x.Svc/Nope"))),
      direction: .hostToPlugin, at: Self.time)
    let block = try plugin.encode([
      ":status": "200", "content-type": "application/grpc", "grpc-status": "12", "grpc-message": "unknown method Nope",
    ])
    let records = decoder.feed(
      FrameBuilder.headers(stream: 1, block: block, endStream: true), direction: .pluginToHost, at: Self.time)
    #expect(
      records.first?.summary
        == "HEADERS (trailers-only) grpc-status=12 (UNIMPLEMENTED) grpc-message=\"unknown method Nope\"")
    #expect(records.first?.grpcStatus == 12)
    #expect(records.first?.method == "/x.Svc/Nope")
  }

  @Test func streamEndingMidMessageIsReported() throws {
    var decoder = Self.started()
    let records = decoder.feed(
      FrameBuilder.data(stream: 1, endStream: true, [0, 0, 0, 0, 9, 1]), direction: .pluginToHost, at: Self.time)
    #expect(records.first?.kind == .decodeError)
    #expect(records.first?.decodeError == "stream ended inside a gRPC message: got 1 of 9 bytes")
  }

  @Test func badGRPCFlagLosesFramingForTheStream() {
    var decoder = Self.started()
    var records = decoder.feed(
      FrameBuilder.data(stream: 1, [7, 0, 0, 0, 1, 1]), direction: .hostToPlugin, at: Self.time)
    records += decoder.feed(
      FrameBuilder.data(stream: 1, FrameBuilder.grpc([8, 1])), direction: .hostToPlugin, at: Self.time)
    #expect(records[0].kind == .decodeError)
    #expect(records[1].summary == "DATA 7 bytes (not decoded: gRPC message framing was lost earlier on this stream)")
  }

  @Test func largePayloadIsTruncatedInTheRecord() {
    var decoder = Self.started()
    let records = decoder.feed(
      FrameBuilder.data(stream: 1, FrameBuilder.grpc(Array(repeating: 0x08, count: 10_000))),
      direction: .hostToPlugin, at: Self.time)
    #expect(records.first?.payloadPrefix.count == ConnectionDecoder.payloadPrefixLimit)
    #expect(records.first?.payloadTruncated == true)
    #expect(records.first?.length == 10_005)
  }

  @Test func windowUpdateAndResetKeepTheMethodAfterTheStreamCloses() throws {
    var decoder = Self.started()
    var host = BlockEncoder()
    _ = decoder.feed(
      FrameBuilder.headers(
        stream: 1, block: try host.encode(FrameBuilder.requestHeaders(path: "/x.Svc/Method")), endStream: true),
      direction: .hostToPlugin, at: Self.time)
    _ = decoder.feed(FrameBuilder.rstStream(stream: 1, .noError), direction: .pluginToHost, at: Self.time)
    let late = decoder.feed(FrameBuilder.windowUpdate(stream: 1, 100), direction: .hostToPlugin, at: Self.time)
    #expect(late.first?.summary == "WINDOW_UPDATE +100")
    #expect(late.first?.method == "/x.Svc/Method")
  }

  /// RST_STREAM from the host in the middle of its message: the reset names the cut message, and
  /// the rest of the message still in flight is "after the stream was reset", not "not gRPC
  /// framing" (#26 item 8).
  @Test func aResetInTheMiddleOfAMessageIsNamedAndTheRestIsNotMisread() throws {
    var decoder = Self.started()
    var host = BlockEncoder()
    _ = decoder.feed(
      FrameBuilder.headers(stream: 1, block: try host.encode(FrameBuilder.requestHeaders(path: "/x.Svc/Method"))),
      direction: .hostToPlugin, at: Self.time)
    // A 200-byte message whose first 40 bytes are sent, then the reset, then the rest.
    let message: [UInt8] = [0, 0, 0, 0, 200] + [UInt8](repeating: 0xFF, count: 200)
    _ = decoder.feed(FrameBuilder.data(stream: 1, Array(message[0..<45])), direction: .hostToPlugin, at: Self.time)
    let reset = decoder.feed(FrameBuilder.rstStream(stream: 1, .cancel), direction: .hostToPlugin, at: Self.time)
    #expect(reset.first?.note?.contains("the host reset the stream in the middle of a message") == true)
    #expect(reset.first?.note?.contains("the host's message was cut at 45 of 205 bytes") == true, "\(reset)")
    let rest = decoder.feed(
      FrameBuilder.data(stream: 1, endStream: true, Array(message[45...])), direction: .hostToPlugin, at: Self.time)
    #expect(rest.first?.kind != .decodeError, "\(rest)")
    #expect(rest.first?.summary == "DATA 160 bytes after the stream was reset by the host (CANCEL) (not decoded)")
    #expect(rest.first?.decodeError == nil)
  }

  // MARK: Control frames and GOAWAY

  @Test func manyPingsAreCountedTowardsTheNIOLimit() {
    var decoder = Self.started()
    var last: FrameRecord?
    for index in 0..<210 {
      last =
        decoder.feed(
          FrameBuilder.ping(ConnectionDecoder.grpcGoBDPPing), direction: .hostToPlugin,
          at: Self.time.addingTimeInterval(Double(index) * 0.01)
        ).first
    }
    #expect(
      last?.note?.contains("211 control frames (PING/SETTINGS/PRIORITY) sent to the plugin in the last 30 s") == true)
    let goaway = decoder.feed(
      FrameBuilder.goaway(last: 41, .enhanceYourCalm), direction: .pluginToHost, at: Self.time.addingTimeInterval(3)
    ).first
    #expect(goaway?.note?.contains("The tap saw 211 control frames sent to the plugin in the last 30 s") == true)
    // Thirty seconds later the window is empty again.
    let later = decoder.feed(
      FrameBuilder.goaway(last: 41, .enhanceYourCalm), direction: .pluginToHost, at: Self.time.addingTimeInterval(60)
    ).first
    #expect(later?.note?.contains("The tap saw 0 control frames") == true)
  }

  @Test func tooManyPingsDebugDataGetsTheKeepaliveExplanation() {
    var decoder = Self.started()
    let record = decoder.feed(
      FrameBuilder.goaway(last: 1, .enhanceYourCalm, debug: "too_many_pings"), direction: .pluginToHost, at: Self.time
    ).first
    #expect(record?.summary == "GOAWAY ENHANCE_YOUR_CALM last=1 debug=\"too_many_pings\"")
    #expect(record?.note?.contains("keepalive") == true)
  }

  @Test func priorityPushPromiseAndUnknownFrames() throws {
    var decoder = Self.started()
    var plugin = BlockEncoder()
    let block = try plugin.encode([":method": "GET", ":path": "/pushed", ":scheme": "http", ":authority": "x"])
    let bytes =
      FrameBuilder.frame(.priority, stream: 3, [0x80, 0, 0, 1, 15])
      + FrameBuilder.frame(.pushPromise, flags: HTTP2Frame.endHeadersFlag, stream: 1, FrameBuilder.be32(2) + block)
      + FrameBuilder.frame(HTTP2FrameType(0x0b), stream: 0, [1, 2, 3])
    let records = decoder.feed(bytes, direction: .pluginToHost, at: Self.time)
    #expect(
      records.map(\.summary) == [
        "PRIORITY depends on 1 weight 16 exclusive", "PUSH_PROMISE promised=2 /pushed",
        "UNKNOWN(0x0b) 3 bytes (unknown type, ignored)",
      ])
  }

  @Test(arguments: [
    (FrameBuilder.frame(.ping, [1, 2, 3]), "PING error: PING payload must be 8 bytes, got 3"),
    (FrameBuilder.frame(.settings, [0, 1, 0]), "SETTINGS error: SETTINGS payload of 3 bytes is not a multiple of 6"),
    (
      FrameBuilder.frame(.settings, flags: 1, [0, 1, 0, 0, 0, 0]),
      "SETTINGS error: SETTINGS ACK with a 6-byte payload (must be empty)"
    ),
    (FrameBuilder.frame(.settings, stream: 1, []), "SETTINGS error: SETTINGS on stream 1 (must be stream 0)"),
    (FrameBuilder.frame(.goaway, [0, 0]), "GOAWAY error: GOAWAY payload must be at least 8 bytes, got 2"),
    (FrameBuilder.frame(.rstStream, stream: 1, [0]), "RST_STREAM error: RST_STREAM payload must be 4 bytes, got 1"),
    (
      FrameBuilder.frame(.rstStream, stream: 0, [0, 0, 0, 0]),
      "RST_STREAM error: RST_STREAM on stream 0 (must belong to a stream)"
    ),
    (FrameBuilder.frame(.windowUpdate, [0, 0]), "WINDOW_UPDATE error: WINDOW_UPDATE payload must be 4 bytes, got 2"),
    (FrameBuilder.frame(.data, stream: 0, [0]), "DATA error: DATA on stream 0 (must belong to a stream)"),
    (
      FrameBuilder.frame(.data, flags: HTTP2Frame.paddedFlag, stream: 1, [5, 0]),
      "DATA error: DATA padding length 5 exceeds the 1 bytes after the Pad Length byte"
    ),
    (FrameBuilder.frame(.priority, stream: 1, [0]), "PRIORITY error: PRIORITY payload must be 5 bytes, got 1"),
    (
      FrameBuilder.frame(.pushPromise, flags: 4, stream: 1, [0]),
      "PUSH_PROMISE error: PUSH_PROMISE needs 4 bytes for the promised stream id, has 1"
    ),
  ])
  func malformedFramesBecomeDecodeErrors(bytes: [UInt8], summary: String) {
    var decoder = Self.started()
    let records = decoder.feed(bytes, direction: .pluginToHost, at: Self.time)
    #expect(records.count == 1)
    #expect(records.first?.kind == .decodeError)
    #expect(records.first?.summary == summary)
  }

  @Test func badPrefaceProducesOneErrorRecordThenNothing() {
    var decoder = ConnectionDecoder()
    let records = decoder.feed(Array("GET / HTTP/1.1\r\n\r\n".utf8), direction: .hostToPlugin, at: Self.time)
    #expect(records.count == 1)
    #expect(records.first?.kind == .decodeError)
    #expect(records.first?.type == "ERROR")
    #expect(decoder.feed(FrameBuilder.settings([]), direction: .hostToPlugin, at: Self.time).isEmpty)
    // The other direction still decodes.
    #expect(
      decoder.feed(FrameBuilder.settingsAck(), direction: .pluginToHost, at: Self.time).first?.summary == "SETTINGS ack"
    )
  }
}
