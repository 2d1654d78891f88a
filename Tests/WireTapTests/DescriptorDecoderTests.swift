import Foundation
import Testing

@testable import WireTap

/// The descriptor-driven decoder against Python protobuf: the same bytes, decoded by
/// plugin-dev from protoc's descriptors and by `json_format.MessageToDict`, must agree.
@Suite("Descriptor decoder")
struct DescriptorDecoderTests {
  static let caseNames = [
    "scalars", "scalars_edge", "empty", "nested", "nested_merged", "enums", "enum_unknown", "repeated", "maps",
    "oneof_string", "oneof_default", "oneof_message", "oneof_last_wins", "timestamp_duration", "timestamp_precision",
    "timestamp_whole", "wrappers", "struct_value_list", "any_known", "empty_and_mask", "unknown_fields",
  ]

  static func decoded(_ name: String) async throws -> (ProtocCases.Case, DynamicMessage) {
    let cases = try await ProtocCases.get()
    let testCase = try #require(cases.cases[name], "make_cases.py has no case \(name)")
    let schema = try #require(cases.registry.message(testCase.type))
    let message = try #require(
      DynamicDecoder.decode(testCase.bytes, as: schema, registry: cases.registry, limits: .complete))
    return (testCase, message)
  }

  static func rendered(_ name: String) async throws -> (summary: String, tree: [String]) {
    let (testCase, message) = try await decoded(name)
    let rendered = DynamicRendering.rendered(message)
    return (
      MessageRendering.summary(rendered),
      MessageRendering.tree(rendered, rootValue: "\(testCase.bytes.count) bytes").textLines()
    )
  }

  @Test(arguments: caseNames) func agreesWithPythonMessageToDict(_ name: String) async throws {
    let (testCase, message) = try await Self.decoded(name)
    let python = try JSONValue.parse(try #require(testCase.pythonJSON))
    let ours = DynamicJSON.json(message)
    #expect(ProtocCases.equivalent(ours, python), "ours: \(ours.text)\npython: \(python.text)")
  }

  @Test func everyCaseOfTheScriptIsChecked() async throws {
    let cases = try await ProtocCases.get()
    #expect(Set(cases.cases.keys) == Set(Self.caseNames + ["any_unknown"]))
  }

  @Test func summariesUseFieldNamesEnumNamesAndWellKnownForms() async throws {
    #expect(try await Self.rendered("enums").summary == "Enums {color: GREEN, colors: [RED, GREEN, RED], size: LARGE}")
    #expect(try await Self.rendered("enum_unknown").summary == "Enums {color: 7, colors: [RED, 9, GREEN]}")
    #expect(
      try await Self.rendered("timestamp_duration").summary == "WellKnown {at: 2024-05-01T12:30:45.123Z, took: 1.500s}")
    #expect(try await Self.rendered("empty_and_mask").summary == "WellKnown {empty: {}, mask: user.displayName,photo}")
    #expect(
      try await Self.rendered("maps").summary.hasPrefix(
        "Maps {counts: {\"a\": 1, \"b\": 2}, by_id: {-5: {label: \"neg\"}"))
    #expect(
      try await Self.rendered("repeated").summary.hasPrefix(
        "Repeated {packed_ints: [1, -2, 300], unpacked_ints: [4, 5]"))
    let scalars = try await Self.rendered("scalars").tree
    #expect(scalars.contains("  data: 4 bytes <de ad be ef>"), "\(scalars)")
    #expect(scalars.contains("  renamed: \"custom json name\"") == false)
    #expect(scalars.contains("  custom: \"custom json name\""))
  }

  @Test func treeMarksOneofMembersAndNesting() async throws {
    #expect(
      try await Self.rendered("oneof_message").tree == [
        "features.v1.Oneofs: 9 bytes", "  inner (oneof choice): Inner", "    label: \"in\"", "  after: \"y\"",
      ])
    #expect(try await Self.rendered("oneof_last_wins").tree.contains("  number (oneof choice): 5"))
    let nested = try await Self.rendered("nested").tree
    #expect(nested.contains("      child: Inner"))
    #expect(nested.contains("        count: 3"))
  }

  @Test func unknownFieldsAreShownByNumber() async throws {
    #expect(
      try await Self.rendered("unknown_fields").tree == [
        "features.v1.Unknowns: 11 bytes", "  known: \"k\"", "  7: 42", "  8: \"more\"",
      ])
  }

  @Test func anyOfAKnownTypeShowsItsFieldsAndAnUnknownOneItsBytes() async throws {
    let known = try await Self.rendered("any_known").tree
    #expect(known.contains("  any: Inner"))
    #expect(known.contains("    label: \"packed\""))
    #expect(known.contains("  any_wkt: 2023-11-14T22:13:20.000005Z"))
    let unknown = try await Self.rendered("any_unknown").tree
    #expect(unknown.contains("    type_url: \"type.googleapis.com/nowhere.Unknown\""), "\(unknown)")
    #expect(unknown.contains("    value: 2 bytes <08 01>"), "\(unknown)")
  }

  @Test func describedMethodsDecodeByDescriptorAndOthersStaySchemaless() async throws {
    let cases = try await ProtocCases.get()
    let decoder = MessageDecoder(schemas: SchemaStore(cases.registry))
    let nested = try #require(cases.cases["nested"])
    let described = decoder.decode(nested.bytes, path: "/features.v1.Features/Echo", isRequest: true)
    #expect(described.typeName == "features.v1.Nested")
    #expect(!described.schemaless)
    #expect(described.summary.hasPrefix("Nested {inner: {label: \"top\""))
    let undescribed = decoder.decode(nested.bytes, path: "/other.Service/Echo", isRequest: true)
    #expect(undescribed.schemaless)
    #expect(undescribed.tree.value.hasSuffix("schemaless"))
    let broken = decoder.decode([0x0a, 0x05, 0x01], path: "/features.v1.Features/Echo", isRequest: true)
    #expect(broken.schemaless)
    #expect(broken.note?.contains("does not decode as features.v1.Nested") == true)
  }

  @Test func registryListsMethodsWithStreamingKindsAndSource() async throws {
    let cases = try await ProtocCases.get()
    let methods = cases.registry.methods.filter { $0.service == "features.v1.Features" }
    #expect(methods.map(\.path) == ["/features.v1.Features/Echo", "/features.v1.Features/Watch"])
    #expect(methods.map(\.kind) == ["unary", "server streaming"])
    #expect(cases.registry.missingTypes(ofService: "features.v1.Features").isEmpty)
    var partial = DescriptorRegistry()
    partial.add(
      cases.registry.fileDescriptors.values.filter { $0.name == "features.proto" }, source: .builtIn)
    #expect(partial.missingTypes(ofService: "features.v1.Features").contains("google.protobuf.Timestamp"))
  }
}
