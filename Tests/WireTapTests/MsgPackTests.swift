import Foundation
import SwiftProtobuf
import TestSupport
import Testing

@testable import WireTap

/// Terraform's `DynamicValue` bytes read as text: MessagePack as go-cty writes it, checked
/// against PyPI's msgpack (the `tf` framework's encoder, in `.venv-tf`), fuzzed, and shown in a
/// decoded `tfplugin6.DynamicValue` instead of bytes.
@Suite("MessagePack (DynamicValue)")
struct MsgPackTests {
  @Test func whatCtyWrites() {
    #expect(MsgPack.render([0x81, 0xa4, 0x74, 0x65, 0x78, 0x74, 0xa2, 0x68, 0x69]) == #"{"text":"hi"}"#)
    #expect(MsgPack.render([0x93, 0x01, 0xff, 0xc0]) == "[1,-1,null]")
    #expect(MsgPack.render([0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]) == "1.5")
    #expect(MsgPack.render([0xd4, 0x00, 0x00]) == "(unknown)", "go-cty's unknown value: extension 0")
    #expect(MsgPack.render([0xc3]) == "true")
    #expect(MsgPack.render([0xd1, 0xff, 0x38]) == "-200")
    #expect(MsgPack.render([0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]) == "18446744073709551615")
    #expect(MsgPack.render([0xa3, 0x22, 0x0a, 0x01]) == #""\"\n\u0001""#)
  }

  @Test func whatIsNotMessagePackIsNil() {
    #expect(MsgPack.render([]) == nil)
    #expect(MsgPack.render([0xc1]) == nil, "0xc1 is never used")
    #expect(MsgPack.render([0x92, 0x01]) == nil, "an array that ends early")
    #expect(MsgPack.render([0xdd, 0xff, 0xff, 0xff, 0xff]) == nil, "a count past the bytes")
    #expect(MsgPack.render([0x01, 0x02]) == nil, "bytes after the value")
    var deep = [UInt8](repeating: 0x91, count: 100)
    deep.append(0xc0)
    #expect(MsgPack.render(deep) == nil, "nesting past the limit")
  }

  @Test func longOutputIsCut() throws {
    var bytes: [UInt8] = [0xdc, 0x03, 0xe8]
    bytes += [UInt8](repeating: 0x7f, count: 1000)
    var limits = MsgPack.Limits()
    limits.characters = 50
    let text = try #require(MsgPack.render(bytes, limits: limits))
    #expect(text.count == 51 && text.hasPrefix("[127,127") && text.hasSuffix("…"))
  }

  /// The same values encoded by PyPI's msgpack (as the `tf` framework sends them) read back as
  /// Python's json.dumps writes them.
  @Test func agreesWithPythonsMsgpack() throws {
    let python = Fixtures.terraformPython
    try #require(FileManager.default.isExecutableFile(atPath: python), "\(python): Scripts/test.sh makes .venv-tf")
    let script = """
      import json, msgpack, sys
      values = [{"text": "hi", "length": 2}, [1, -1, None, True, False], {"a": {"b": [1.5, -2.25, "x"]}},
                2**63 - 1, -2**63, 255, -33, "ünïcødé ✓", {"nested": [[], {}, [{"k": None}]]}, 0.1, 1e100]
      for v in values:
          print(msgpack.packb(v, use_bin_type=True).hex(), json.dumps(v, separators=(",", ":"), ensure_ascii=False))
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = ["-c", script]
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
    #expect(lines.count == 11)
    for line in lines {
      let (hex, json) = (line.prefix { $0 != " " }, line.drop { $0 != " " }.dropFirst())
      let bytes = stride(from: 0, to: hex.count, by: 2).compactMap { offset -> UInt8? in
        let start = hex.index(hex.startIndex, offsetBy: offset)
        return UInt8(hex[start..<hex.index(start, offsetBy: 2)], radix: 16)
      }
      #expect(MsgPack.render(bytes) == String(json), "\(hex)")
    }
  }

  /// Random and cut-down inputs never trap and stay within the output limit.
  @Test func fuzz() {
    var generator = SystemRandomNumberGenerator()
    let seeds: [[UInt8]] = [
      [0x81, 0xa4, 0x74, 0x65, 0x78, 0x74, 0xa2, 0x68, 0x69], [0x93, 0x01, 0xff, 0xc0], [0xd4, 0x00, 0x00],
      [0xdc, 0x00, 0x02, 0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0xc7, 0x01, 0x05, 0x00],
    ]
    var limits = MsgPack.Limits()
    limits.characters = 200
    for round in 0..<20_000 {
      var bytes = seeds[round % seeds.count]
      if round % 3 == 0 {
        bytes = (0..<Int.random(in: 0...40, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator)
        }
      } else {
        for _ in 0..<Int.random(in: 1...4, using: &generator) {
          let at = Int.random(in: 0..<bytes.count, using: &generator)
          bytes[at] = UInt8.random(in: 0...255, using: &generator)
        }
        bytes = Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &generator)))
      }
      if let text = MsgPack.render(bytes, limits: limits) { #expect(text.count <= 201) }
    }
  }

  /// A `tfplugin6.DynamicValue` decoded by descriptor shows its msgpack as text, and its json as
  /// it is; another message's bytes field named msgpack stays bytes.
  @Test func aDynamicValueShowsItsValue() throws {
    var file = Google_Protobuf_FileDescriptorProto()
    file.name = "dv.proto"
    file.package = "tfplugin6"
    file.syntax = "proto3"
    for name in ["DynamicValue", "Other"] {
      var message = Google_Protobuf_DescriptorProto()
      message.name = name
      for (number, field) in ["msgpack", "json"].enumerated() {
        var descriptor = Google_Protobuf_FieldDescriptorProto()
        descriptor.name = field
        descriptor.number = Int32(number + 1)
        descriptor.type = .bytes
        descriptor.label = .optional
        descriptor.jsonName = field
        message.field.append(descriptor)
      }
      file.messageType.append(message)
    }
    var registry = DescriptorRegistry()
    registry.add([file], source: .reflection("v1"))
    let msgpack: [UInt8] =
      [0x82, 0xa4, 0x74, 0x65, 0x78, 0x74, 0xa2, 0x68, 0x69, 0xa6] + Array("length".utf8) + [0xd4, 0, 0]
    let wire: [UInt8] = [0x0a, UInt8(msgpack.count)] + msgpack
    for (type, expected) in [
      ("tfplugin6.DynamicValue", #"DynamicValue {msgpack: {"text":"hi","length":(unknown)}}"#),
      ("tfplugin6.Other", "Other {msgpack: 19 bytes <82 a4"),
    ] {
      let schema = try #require(registry.message(type))
      let message = try #require(DynamicDecoder.decode(wire, as: schema, registry: registry, limits: .display))
      let summary = MessageRendering.summary(DynamicRendering.rendered(message))
      #expect(summary.hasPrefix(expected), "\(summary)")
    }
    let json: [UInt8] = [0x12, 0x0d] + Array(#"{"text":"hi"}"#.utf8)
    let schema = try #require(registry.message("tfplugin6.DynamicValue"))
    let message = try #require(DynamicDecoder.decode(json, as: schema, registry: registry, limits: .display))
    #expect(MessageRendering.summary(DynamicRendering.rendered(message)) == #"DynamicValue {json: {"text":"hi"}}"#)
  }
}
