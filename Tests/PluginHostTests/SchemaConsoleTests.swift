import Foundation
import Testing
import WireTap

@testable import PluginCheck
@testable import PluginHost
@testable import PluginSchemas
@testable import PluginSession

/// The console's schema commands as parsed, the `services` listing, and `reflection.descriptors`.
@Suite("Schema console and checks")
struct SchemaConsoleTests {
  static func features() async throws -> DescriptorRegistry {
    var registry = DescriptorRegistry()
    registry.add(
      try await ProtoCompiler.compile(files: [SchemaLoaderTests.features], importPaths: []).file,
      source: .protoFile("f"))
    return registry
  }

  @Test func schemaCommandsParse() async throws {
    #expect(try ConsoleCommand.parse("services") == .services)
    #expect(try ConsoleCommand.parse("describe inventory.v1.Item") == .describe(name: "inventory.v1.Item"))
    #expect(
      try ConsoleCommand.parse(#"call GetItem {"sku": "a b"}"#) == .call(method: "GetItem", json: #"{"sku": "a b"}"#))
    #expect(try ConsoleCommand.parse("call /x.Y/Z") == .call(method: "/x.Y/Z", json: "{}"))
    #expect(throws: ConsoleCommandError.usage("describe NAME (a service, method, message or enum)")) {
      try ConsoleCommand.parse("describe")
    }
    #expect(throws: ConsoleCommandError.self) { try ConsoleCommand.parse("call") }
    #expect(ConsoleCommand.usage.map(\.0).contains("call METHOD JSON"))
  }

  @Test func servicesListsKindsAndSources() async throws {
    let listing = SchemaListing.services(try await Self.features())
    #expect(listing.summary == "1 services, 2 methods")
    #expect(
      listing.lines == [
        "features.v1.Features  (--proto f)",
        "  Echo  unary  features.v1.Nested → features.v1.WellKnown",
        "  Watch  server streaming  features.v1.Enums → features.v1.Maps",
      ])
    #expect(listing.json.text.hasPrefix(#"[{"service":"features.v1.Features","source":"--proto f","methods":[{"#))
  }

  @Test func reflectionDescriptorsPassWhenEverythingResolves() async throws {
    let result = ReflectionDescriptorCheck.evaluate(
      .loaded(try await Self.features(), version: "v1", services: ["features.v1.Features"], unresolved: [], notes: []))
    #expect(result.status == .pass, "\(result)")
  }

  @Test func reflectionDescriptorsWarnOnAMissingImportOrType() async throws {
    let full = try await Self.features()
    var partial = DescriptorRegistry()
    partial.add(full.fileDescriptors.values.filter { $0.name == "features.proto" }, source: .reflection("v1"))
    let result = ReflectionDescriptorCheck.evaluate(
      .loaded(
        partial, version: "v1", services: ["features.v1.Features", "gone.Svc"],
        unresolved: ["google/protobuf/timestamp.proto"], notes: []))
    #expect(result.status == .warn)
    #expect(result.seen.contains("not served: google/protobuf/timestamp.proto"), "\(result.seen)")
    #expect(result.seen.contains("features.v1.Features needs google.protobuf.Any"), "\(result.seen)")
    #expect(result.seen.contains("gone.Svc needs gone.Svc"), "\(result.seen)")
    #expect(ReflectionDescriptorCheck.evaluate(.unimplemented).status == .skip)
    #expect(!CheckID.reflectionDescriptors.canFail)
  }
}
