import Foundation
import SwiftProtobuf
import Testing

@testable import WireTap

/// Messages are decoded when first read (#14 item 3): what a record says must not depend on
/// when it is read, and reading only what a list or a filter needs must not decode them.
@Suite("Lazy message decoding")
struct LazyDecodingTests {
  static let time = ConnectionDecoderTests.time

  /// The records of the synthetic KV session, decoded the way `run` decodes them.
  static func sessionRecords() throws -> [FrameRecord] {
    let session = try SyntheticSession.make()
    var decoder = ConnectionDecoder(registry: SyntheticSession.registry)
    return session.chunks.flatMap { decoder.feed($0.bytes, direction: $0.direction, at: time) }
  }

  @Test func smallMessagesWaitUntilReadAndThenSayWhatAnEagerDecodeSays() throws {
    let records = try Self.sessionRecords()
    let data = records.filter { !$0.messages.isEmpty }
    #expect(data.count == 2)
    #expect(data.allSatisfy { $0.messages.allSatisfy(\.isDeferred) })

    let eager = MessageDecoder(registry: SyntheticSession.registry)
    let request = data[0].messages[0]
    let hello: [UInt8] = try Google_Protobuf_StringValue.with { $0.value = "hello" }.serializedBytes()
    let expected = eager.decode(hello, path: SyntheticSession.path, isRequest: true)
    #expect(request.summary == expected.summary)
    #expect(!request.isDeferred)
    #expect(request.tree == expected.tree)
    #expect(request == expected)
    #expect(data[0].summary == "DATA StringValue {value: \"hello\"}")
    #expect(data[1].summary == "DATA BytesValue {value: 5 bytes \"world\"}")
  }

  @Test func aRecordReadBackFromItsJSONLineEqualsTheLiveOne() throws {
    for record in try Self.sessionRecords() {
      let line = record.jsonLine()
      let back = try JSONDecoder().decode(FrameRecord.self, from: Data(line.utf8))
      #expect(back == record, "\(line)")
      #expect(back.hashValue == record.hashValue)
    }
  }

  @Test func aMessageAboveTheLimitIsDecodedAtOnce() throws {
    let message = Google_Protobuf_StringValue.with {
      $0.value = String(repeating: "x", count: MessageDecoder.deferredByteLimit + 10)
    }
    let big: [UInt8] = try message.serializedBytes()
    let decoder = MessageDecoder(registry: SyntheticSession.registry)
    let record = decoder.deferred(
      big, path: SyntheticSession.path, isRequest: true, compressedFlag: false, stillCompressed: false,
      payloadNote: nil)
    #expect(!record.isDeferred)
    #expect(record.typeName == "google.protobuf.StringValue")
    let small = decoder.deferred(
      Array(big.prefix(3)), path: SyntheticSession.path, isRequest: true, compressedFlag: false,
      stillCompressed: false, payloadNote: nil)
    #expect(small.isDeferred)
  }

  @Test func aDecompressionNoteComesBeforeTheDecodersOwn() {
    let decoder = MessageDecoder(registry: SyntheticSession.registry)
    let notProtobuf: [UInt8] = [0xff, 0xff, 0xff]
    let record = decoder.deferred(
      notProtobuf, path: nil, isRequest: false, compressedFlag: true, stillCompressed: false,
      payloadNote: "gzip compressed: 20 bytes on the wire, 3 decompressed")
    #expect(record.compressed)
    #expect(
      record.note
        == "gzip compressed: 20 bytes on the wire, 3 decompressed; the bytes are not valid protobuf wire format")
  }

  @Test func theLogAndAFilterWithoutFreeTextLeaveMessagesUndecoded() throws {
    var log = FrameLog(capacity: 100)
    log.append(contentsOf: try Self.sessionRecords())
    #expect(log.filter("type:DATA method:svc >").count == 1)
    #expect(log.allSatisfy { $0.messages.allSatisfy(\.isDeferred) })
    // Free text reads the summaries, so it decodes.
    #expect(log.filter("stringvalue").count == 1)
    #expect(log.allSatisfy { $0.messages.allSatisfy { !$0.isDeferred } })
  }

  @Test func freeTextIgnoresCaseForASCIIAndForOtherLetters() {
    let record = FrameRecord(
      time: Self.time, direction: .pluginToHost, type: "HEADERS", summary: "HEADERS grpc-message=\"ÄRGER Über\"",
      method: "/Proto.KV/Get")
    for (query, matches) in [
      ("ärger", true), ("über", true), ("ÜBER", true), ("grpc-MESSAGE", true), ("proto.kv/get", true),
      ("kv/put", false), ("-ärger", false), ("\"ger über\"", true),
    ] {
      #expect(FrameFilter(query).matches(record) == matches, "\(query)")
    }
  }
}
