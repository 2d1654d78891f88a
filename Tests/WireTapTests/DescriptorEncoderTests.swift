import Foundation
import TestSupport
import Testing

@testable import WireTap

/// `call`'s JSON → protobuf encoder: what it writes, Python protobuf reads back as the same JSON.
@Suite("Descriptor encoder")
struct DescriptorEncoderTests {
  static let caseNames = DescriptorDecoderTests.caseNames.filter { $0 != "unknown_fields" && $0 != "nested_merged" }

  /// Encodes each case's Python JSON with our encoder, then has Python decode our bytes.
  @Test func pythonReadsWhatTheEncoderWritesAsTheSameJSON() async throws {
    let cases = try await ProtocCases.get()
    var requests = ""
    var expected: [(String, JSONValue)] = []
    for name in Self.caseNames {
      let testCase = try #require(cases.cases[name])
      let json = try JSONValue.parse(try #require(testCase.pythonJSON))
      let bytes = try DynamicEncoder(registry: cases.registry).encode(json, as: testCase.type)
      requests +=
        #"{"type": "\#(testCase.type)", "hex": "\#(bytes.map { String(format: "%02x", $0) }.joined())"}"# + "\n"
      expected.append((name, json))
    }
    let input = FileManager.default.temporaryDirectory.appendingPathComponent("encoder-\(UUID().uuidString).jsonl")
    try requests.write(to: input, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: input) }
    let set = FileManager.default.temporaryDirectory.appendingPathComponent("encoder-\(UUID().uuidString).pb")
    _ = try await Self.offPool([
      "protoc", "-I", ProtocCases.protos.path, "--include_imports", "--descriptor_set_out=\(set.path)",
      ProtocCases.protos.appendingPathComponent("features.proto").path,
    ])
    defer { try? FileManager.default.removeItem(at: set) }
    let output = try await Self.offPool([
      "sh", "-c", "\"$0\" \"$1\" \"$2\" --decode < \"$3\"", ProtocCases.python(),
      ProtocCases.protos.appendingPathComponent("make_cases.py").path, set.path, input.path,
    ])
    let lines = String(decoding: output, as: UTF8.self).split(separator: "\n")
    #expect(lines.count == expected.count)
    for (line, (name, json)) in zip(lines, expected) {
      let python = try #require(try JSONValue.parse(String(line))["dict"])
      #expect(ProtocCases.equivalent(python, json), "\(name): python read \(python.text), we meant \(json.text)")
    }
  }

  /// `ProtocCases.run` on a thread of its own.
  static func offPool(_ arguments: [String]) async throws -> Data {
    try await onOwnThread { Result { try ProtocCases.run(arguments) } }.get()
  }

  static func encode(_ json: String, as type: String) async throws -> [UInt8] {
    let cases = try await ProtocCases.get()
    return try DynamicEncoder(registry: cases.registry).encode(try JSONValue.parse(json), as: "features.v1." + type)
  }

  static func failure(_ json: String, as type: String) async throws -> String {
    do {
      _ = try await encode(json, as: type)
    } catch let failure as DynamicEncoder.Failure {
      return failure.description
    }
    return "no error"
  }

  @Test func fieldNamesJSONNamesEnumNumbersAnd64BitNumbersAreAccepted() async throws {
    let cases = try await ProtocCases.get()
    let bytes = try await Self.encode(
      #"{"display_name": "a", "renamed": "b", "i64": 5, "u64": "7", "fl": "NaN"}"#, as: "Scalars")
    let json = try #require(cases.registry.json(of: bytes, type: "features.v1.Scalars"))
    #expect(json.text == #"{"i64":"5","u64":"7","fl":"NaN","displayName":"a","renamed":"b"}"#)
    let enums = try await Self.encode(#"{"color": 2, "colors": ["RED", 9]}"#, as: "Enums")
    #expect(cases.registry.json(of: enums, type: "features.v1.Enums")?.text == #"{"color":"GREEN","colors":["RED",9]}"#)
  }

  @Test func errorsNameTheField() async throws {
    #expect(
      try await Self.failure(#"{"i32": "x"}"#, as: "Scalars") == #"field "i32": expected a 32-bit integer, got "x""#)
    #expect(
      try await Self.failure(#"{"i32": 3000000000}"#, as: "Scalars").hasPrefix(#"field "i32": expected a 32-bit"#))
    #expect(
      try await Self.failure(#"{"items": [{"label": "a"}, {"count": true}]}"#, as: "Nested")
        == #"field "items[1].count": expected a 32-bit integer, got true"#)
    #expect(
      try await Self.failure(#"{"colour": "RED"}"#, as: "Enums")
        == #"field "colour": features.v1.Enums has no field "colour" (did you mean "color", "colors"?); its fields: color, colors, size"#
    )
    #expect(
      try await Self.failure(#"{"color": "PINK"}"#, as: "Enums").contains("values: COLOR_UNSPECIFIED, RED, GREEN"))
    #expect(
      try await Self.failure(#"{"text": "a", "number": 1}"#, as: "Oneofs").contains("oneof choice is set already"))
    #expect(
      try await Self.failure(#"{"at": "yesterday"}"#, as: "WellKnown").hasPrefix(#"field "at": expected an RFC 3339"#))
    #expect(
      try await Self.failure(#"[1]"#, as: "Scalars") == "expected an object for features.v1.Scalars, got an array")
  }

  @Test func badJSONSaysWhere() {
    #expect(throws: JSONParser.Failure(offset: 8, reason: "expected a value (a string needs double quotes)")) {
      try JSONParser.parse(#"{"key": value}"#)
    }
    #expect(throws: JSONParser.Failure(offset: 10, reason: "the object is not closed with '}'")) {
      try JSONParser.parse(#"{"key": 1 "#)
    }
    #expect((try? JSONParser.parse(#"{"a":[1,-2.5e3,"\u00e9\n"],"b":{}}"#))?.text == #"{"a":[1,-2.5e3,"é\n"],"b":{}}"#)
  }

  @Test func methodsResolveByPathDottedNameOrUniqueShortName() async throws {
    let methods = try await ProtocCases.get().registry.methods
    for name in [
      "/features.v1.Features/Echo", "features.v1.Features/Echo", "features.v1.Features.Echo", "Echo", "echo",
    ] {
      #expect(try MethodResolver.resolve(name, in: methods).path == "/features.v1.Features/Echo", "\(name)")
    }
    #expect(throws: MethodResolver.Failure.unknown("Ech", near: ["/features.v1.Features/Echo"])) {
      try MethodResolver.resolve("Ech", in: methods)
    }
    let twice =
      methods + [
        MethodSchema(
          service: "other.Svc", name: "Echo", inputType: "a", outputType: "b", clientStreaming: false,
          serverStreaming: false,
          source: .builtIn)
      ]
    #expect(
      throws: MethodResolver.Failure.ambiguous("Echo", candidates: ["/features.v1.Features/Echo", "/other.Svc/Echo"])
    ) {
      try MethodResolver.resolve("Echo", in: twice)
    }
    #expect(MethodResolver.completions(of: "/features.v1.Features/W", in: methods) == ["/features.v1.Features/Watch"])
    #expect(MethodResolver.completions(of: "Wa", in: methods) == ["/features.v1.Features/Watch"])
  }

  @Test func describeWritesProtoSyntax() async throws {
    let registry = try await ProtocCases.get().registry
    let service = try ProtoSyntax.describe("features.v1.Features", in: registry)
    #expect(
      Array(service.dropFirst()) == [
        "service Features {", "  rpc Echo(features.v1.Nested) returns (features.v1.WellKnown);",
        "  rpc Watch(features.v1.Enums) returns (stream features.v1.Maps);", "}",
      ])
    let maps = try ProtoSyntax.describe("Maps", in: registry)
    #expect(maps.contains("  map<string, int32> counts = 1;"))
    #expect(maps.contains("  map<int64, features.v1.Inner> by_id = 2;"))
    let oneofs = try ProtoSyntax.describe("features.v1.Oneofs", in: registry)
    #expect(
      Array(oneofs.dropFirst()) == [
        "message Oneofs {", "  oneof choice {", "    string text = 1;", "    int32 number = 2;",
        "    features.v1.Inner inner = 3;", "  }", "  string after = 4;", "}",
      ])
    let scalars = try ProtoSyntax.describe("Scalars", in: registry)
    #expect(scalars.contains("  optional int32 maybe = 16;"))
    #expect(scalars.contains(#"  string custom = 18 [json_name = "renamed"];"#))
    let method = try ProtoSyntax.describe("Watch", in: registry)
    #expect(method[1] == "rpc Watch(features.v1.Enums) returns (stream features.v1.Maps);")
    #expect(method.contains("  enum Size {"))
    #expect(throws: ProtoSyntax.NotFound.self) { try ProtoSyntax.describe("Nope", in: registry) }
    #expect(
      ProtoSyntax.fieldsHint(of: "features.v1.Oneofs", in: registry)
        == "Oneofs {text: string, number: int32, inner: features.v1.Inner, after: string}")
  }

  /// A float given as 1e400 is refused as out of range, as 3.5e38 is (1e400 used to become
  /// Infinity); "Infinity" itself is still accepted (#26 item 8).
  @Test(arguments: [("fl", "1e400", "a float"), ("fl", "3.5e38", "a float"), ("db", "1e400", "a double")])
  func floatsTooLargeAreOutOfRange(_ field: String, _ number: String, _ what: String) async throws {
    let cases = try await ProtocCases.get()
    let encoder = DynamicEncoder(registry: cases.registry)
    #expect {
      _ = try encoder.encode(try JSONValue.parse(#"{"\#(field)": \#(number)}"#), as: "features.v1.Scalars")
    } throws: { error in
      "\(error)".contains("\(number) is out of range for \(what)")
    }
    let infinity = try encoder.encode(try JSONValue.parse(#"{"\#(field)": "Infinity"}"#), as: "features.v1.Scalars")
    #expect(!infinity.isEmpty)
  }

  /// A `call` reply nested 90 levels comes back whole (it used to stop at 24 with `{}`), and one
  /// nested past the decoder's limit (100) is marked where it was cut (#26 item 7).
  @Test func deepRepliesAreWholeAndACutIsMarked() async throws {
    let cases = try await ProtocCases.get()
    /// Inner{label, child: Inner{…}} `levels` deep, as the wire has it.
    func nested(_ levels: Int) -> [UInt8] {
      var bytes: [UInt8] = [0x0A, 1, 0x61]  // label: "a"
      for _ in 1..<levels {
        var length = bytes.count
        var prefix: [UInt8] = [0x1A]  // child, length-delimited
        while length >= 0x80 {
          prefix.append(UInt8(length & 0x7F) | 0x80)
          length >>= 7
        }
        prefix.append(UInt8(length))
        bytes = [0x0A, 1, 0x61] + prefix + bytes
      }
      return bytes
    }
    func depth(_ json: JSONValue) -> Int {
      guard case .object(let members) = json, let child = members.first(where: { $0.0 == "child" }) else { return 1 }
      return 1 + depth(child.1)
    }
    let ninety = try #require(cases.registry.json(of: nested(90), type: "features.v1.Inner"))
    #expect(depth(ninety) == 90)
    #expect(!ninety.text.contains("not decoded"))
    let deeper = try #require(cases.registry.json(of: nested(150), type: "features.v1.Inner"))
    #expect(depth(deeper) == 101)
    #expect(deeper.text.contains("not decoded: nested deeper than the decoder's limit"), "\(deeper.text.suffix(200))")
  }
}
