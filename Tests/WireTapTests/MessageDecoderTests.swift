import Foundation
import SwiftProtobuf
import Testing

@testable import WireTap

@Suite("Message decoder")
struct MessageDecoderTests {
  static let echoPath = "/test.Svc/Echo"

  static var decoder: MessageDecoder {
    var registry = MessageRegistry()
    registry.register(
      path: echoPath, request: Google_Protobuf_StringValue.self, response: Google_Protobuf_BytesValue.self)
    registry.register(
      path: "/test.Svc/Field", request: Google_Protobuf_Field.self, response: Google_Protobuf_Struct.self)
    return MessageDecoder(registry: registry)
  }

  private func bytes(_ message: some SwiftProtobuf.Message) throws -> [UInt8] {
    try message.serializedBytes()
  }

  // MARK: Known types

  @Test func knownRequestType() throws {
    let record = Self.decoder.decode(
      try bytes(Google_Protobuf_StringValue.with { $0.value = "hello" }), path: Self.echoPath, isRequest: true)
    #expect(record.summary == "StringValue {value: \"hello\"}")
    #expect(record.typeName == "google.protobuf.StringValue")
    #expect(!record.schemaless)
    #expect(record.isRequest)
    #expect(record.byteCount == 7)
    #expect(record.tree.textLines() == ["google.protobuf.StringValue: 7 bytes", "  value: \"hello\""])
  }

  @Test func knownResponseTypeUsesTheResponseEntry() throws {
    let message = Google_Protobuf_BytesValue.with { $0.value = Data([0xde, 0xad, 0xbe, 0xef]) }
    let record = Self.decoder.decode(try bytes(message), path: Self.echoPath, isRequest: false)
    #expect(record.summary == "BytesValue {value: 4 bytes <de ad be ef>}")
    #expect(!record.isRequest)
  }

  @Test func oneMebibyteBytesFieldStaysShort() throws {
    let message = Google_Protobuf_BytesValue.with { $0.value = Data(repeating: UInt8(ascii: "a"), count: 1 << 20) }
    let record = Self.decoder.decode(try bytes(message), path: Self.echoPath, isRequest: false)
    #expect(record.summary == "BytesValue {value: 1048576 bytes \"aaaaaaaaaaaaaaaaaaaaaaaa…\"}")
    #expect(record.tree.children.first?.value.count ?? 0 < 100)
    #expect(record.byteCount == (1 << 20) + 4)
  }

  @Test func longStringIsTruncatedInTheSummary() throws {
    let text = String(repeating: "x", count: 5000)
    let record = Self.decoder.decode(
      try bytes(Google_Protobuf_StringValue.with { $0.value = text }), path: Self.echoPath, isRequest: true)
    #expect(record.summary == "StringValue {value: \"\(String(repeating: "x", count: 40))…\"}")
    #expect(record.tree.children.first?.value.hasSuffix("…\" (5000 bytes)") == true)
  }

  @Test func enumsRepeatedAndNestedFieldsUseProtoNames() throws {
    let field = Google_Protobuf_Field.with {
      $0.kind = .typeString
      $0.cardinality = .repeated
      $0.number = 3
      $0.name = "key"
      $0.packed = true
      $0.options = [Google_Protobuf_Option.with { $0.name = "deprecated" }]
    }
    let record = Self.decoder.decode(try bytes(field), path: "/test.Svc/Field", isRequest: true)
    #expect(
      record.summary
        == "Field {kind: TYPE_STRING, cardinality: CARDINALITY_REPEATED, number: 3, name: \"key\", packed: true, options: [{name: \"deprecated\"}]}"
    )
    #expect(
      record.tree.textLines() == [
        "google.protobuf.Field: \(try bytes(field).count) bytes",
        "  kind: TYPE_STRING",
        "  cardinality: CARDINALITY_REPEATED",
        "  number: 3",
        "  name: \"key\"",
        "  packed: true",
        "  options: [1 element]",
        "    [0]: Option",
        "      name: \"deprecated\"",
      ])
  }

  @Test func mapsAndOneofs() throws {
    let value = Google_Protobuf_Struct.with {
      $0.fields["b"] = Google_Protobuf_Value.with { $0.stringValue = "two" }
      $0.fields["a"] = Google_Protobuf_Value.with { $0.numberValue = 1 }
    }
    let record = Self.decoder.decode(try bytes(value), path: "/test.Svc/Field", isRequest: false)
    #expect(record.summary == "Struct {fields: {\"a\": {number_value: 1.0}, \"b\": {string_value: \"two\"}}}")
    #expect(record.tree.children.first?.value == "{2 entries}")
    #expect(record.tree.children.first?.children.map(\.label) == ["\"a\"", "\"b\""])
  }

  @Test func undecodableKnownTypeFallsBackToSchemaless() {
    // Field 1 of StringValue must be length-delimited UTF-8; 0xff is not UTF-8.
    let record = Self.decoder.decode([0x0a, 0x01, 0xff], path: Self.echoPath, isRequest: true)
    #expect(record.schemaless)
    #expect(record.summary == "{1: 1 byte <ff>}")
    #expect(record.note?.hasPrefix("does not decode as google.protobuf.StringValue") == true)
  }

  @Test func compressedMessagesAreNotDecoded() {
    let record = Self.decoder.decode([0x1f, 0x8b, 0, 0], path: Self.echoPath, isRequest: true, compressed: true)
    #expect(record.summary == "compressed message (4 bytes)")
    #expect(record.compressed)
    #expect(record.typeName == "google.protobuf.StringValue")
  }

  // MARK: Schemaless

  /// field 1 varint 150, 2 "hi", 3 {1: 1, 2: "x"}, 4 fixed32 1, 5 fixed64, 6 bytes ff 00 01.
  static let handMade: [UInt8] =
    [0x08, 0x96, 0x01]
    + [0x12, 0x02, 0x68, 0x69]
    + [0x1a, 0x05, 0x08, 0x01, 0x12, 0x01, 0x78]
    + [0x25, 0x01, 0x00, 0x00, 0x00]
    + [0x29, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01]
    + [0x32, 0x03, 0xff, 0x00, 0x01]

  @Test func unknownPathDecodesSchemaless() {
    let record = Self.decoder.decode(Self.handMade, path: "/unknown.Svc/Call", isRequest: true)
    #expect(record.schemaless)
    #expect(record.typeName == nil)
    #expect(record.note == nil)
    #expect(
      record.summary
        == "{1: 150, 2: \"hi\", 3: {1: 1, 2: \"x\"}, 4: 0x00000001, 5: 0x0102030405060708, 6: 3 bytes <ff 00 01>}")
    #expect(
      record.tree.textLines() == [
        "message: 33 bytes, schemaless",
        "  1: 150",
        "  2: \"hi\"",
        "  3",
        "    1: 1",
        "    2: \"x\"",
        "  4: 0x00000001",
        "  5: 0x0102030405060708",
        "  6: 3 bytes <ff 00 01>",
      ])
  }

  @Test func unknownPathWithoutPathDecodesSchemaless() {
    #expect(Self.decoder.decode([0x08, 0x01], path: nil, isRequest: false).summary == "{1: 1}")
  }

  @Test func groupsAndEmptyFields() {
    // field 7 group { 1: 5 }, field 8 empty length-delimited.
    let record = Self.decoder.decodeSchemaless([0x3b, 0x08, 0x05, 0x3c, 0x42, 0x00], isRequest: true)
    #expect(record.summary == "{7: {1: 5}, 8: \"\"}")
  }

  @Test func notProtobufAtAll() {
    let record = Self.decoder.decodeSchemaless([0xff, 0xff, 0xff], isRequest: true)
    #expect(record.summary == "not protobuf: 3 bytes <ff ff ff>")
    #expect(record.note == "the bytes are not valid protobuf wire format")
  }

  @Test func emptyMessage() {
    #expect(Self.decoder.decodeSchemaless([], isRequest: true).summary == "{}")
    #expect(Self.decoder.decode([], path: Self.echoPath, isRequest: true).summary == "StringValue {}")
  }

  @Test func deepNestingIsBounded() {
    var bytes: [UInt8] = [0x08, 0x01]
    for _ in 0..<2000 {
      bytes = [0x0a] + Self.varint(bytes.count) + bytes
    }
    let record = Self.decoder.decodeSchemaless(bytes, isRequest: true)
    #expect(record.summary.count <= RenderLimits.summaryCharacters + 1)
    var depth = 0
    var node = record.tree
    while let child = node.children.first {
      node = child
      depth += 1
    }
    #expect(depth <= RenderLimits.maxDepth + 1)
  }

  @Test func manyFieldsAreBounded() {
    var bytes: [UInt8] = []
    for _ in 0..<200_000 { bytes += [0x08, 0x01] }
    let record = Self.decoder.decodeSchemaless(bytes, isRequest: true)
    #expect(record.summary.count <= RenderLimits.summaryCharacters + 1)
    #expect(record.tree.children.count == RenderLimits.totalNodes + 1)
    #expect(record.tree.children.last?.value == "\(200_000 - RenderLimits.totalNodes) more fields not shown")
  }

  static func varint(_ value: Int) -> [UInt8] {
    var value = UInt64(value)
    var out: [UInt8] = []
    while value >= 0x80 {
      out.append(UInt8(value & 0x7f) | 0x80)
      value >>= 7
    }
    out.append(UInt8(value))
    return out
  }
}
