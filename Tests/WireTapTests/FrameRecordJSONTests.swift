import Foundation
import Testing

@testable import WireTap

/// The hand-written JSON of a record must be byte for byte what `JSONEncoder` writes.
@Suite("Frame record JSON")
struct FrameRecordJSONTests {
  /// What `JSONEncoder` (sorted keys, unescaped slashes) writes, with `"event"` added as the
  /// recording does for a frame.
  static func encoderBytes(_ record: FrameRecord, event: String) throws -> [UInt8] {
    let plain = String(decoding: try FrameRecord.makeJSONEncoder().encode(record), as: UTF8.self)
    // "event" sorts after "connection", "decodeError", "direction", "errorCode" and before the next of these.
    for next in ["\"flags\"", "\"grpcMessage\"", "\"grpcStatus\"", "\"headers\"", "\"kind\""] {
      if let range = plain.range(of: next) {
        return Array(plain.replacingCharacters(in: range, with: "\"event\":\"\(event)\"," + next).utf8)
      }
    }
    throw CancellationError()
  }

  static func expectSame(_ written: [UInt8], _ encoded: [UInt8]) throws {
    let (ours, theirs) = (String(decoding: written, as: UTF8.self), String(decoding: encoded, as: UTF8.self))
    #expect(written == encoded, "ours:\n\(ours)\nJSONEncoder:\n\(theirs)")
  }

  static var awkwardStrings: [String] {
    var strings = ["", "plain", "/proto.KV/Put", "quote \" backslash \\ slash /", "ünïcødé ✓ 𝄞", "\u{2028}\u{2029}"]
    strings.append(String(decoding: (0..<0x20).map { UInt8($0) } + [0x7F], as: UTF8.self))
    return strings
  }

  @Test func everyRecordOfASessionIsWrittenAsJSONEncoderWritesIt() throws {
    for record in try LazyDecodingTests.sessionRecords() {
      try Self.expectSame(record.jsonBytes(), Array(try FrameRecord.makeJSONEncoder().encode(record)))
      try Self.expectSame(record.jsonBytes(event: "frame"), try Self.encoderBytes(record, event: "frame"))
    }
  }

  @Test func everyFieldAndAwkwardTextIsWrittenAsJSONEncoderWritesIt() throws {
    for text in Self.awkwardStrings {
      let tree = ProtoTreeNode(label: text, value: text, children: [ProtoTreeNode(label: "1", value: text)])
      let record = FrameRecord(
        sequence: 7, connection: 2, kind: .decodeError, time: Date(timeIntervalSince1970: 1_800_000_000.123),
        direction: .pluginToHost, streamID: 5, type: "HEADERS", flags: ["END_STREAM", text], length: 42,
        summary: text, method: text, headers: [HeaderField(name: text, value: text)],
        messages: [
          DecodedMessageRecord(
            typeName: text, isRequest: false, summary: text, tree: tree, byteCount: 3, compressed: true,
            schemaless: true, note: text),
          DecodedMessageRecord(
            typeName: nil, isRequest: true, summary: text, tree: tree, byteCount: 0, schemaless: false),
        ],
        grpcStatus: -3, grpcMessage: text, errorCode: text,
        settings: [SettingValue(identifier: 4, value: UInt32.max), SettingValue(identifier: 0x99, value: 0)],
        note: text, decodeError: text, payloadPrefix: [0, 1, 0xfe, 0xff], payloadTruncated: true)
      try Self.expectSame(record.jsonBytes(), Array(try FrameRecord.makeJSONEncoder().encode(record)))
      let bare = FrameRecord(time: Date(timeIntervalSince1970: 0), direction: .hostToPlugin, type: text, summary: text)
      try Self.expectSame(bare.jsonBytes(), Array(try FrameRecord.makeJSONEncoder().encode(bare)))
    }
  }
}
