import Foundation
import PluginHost
import TestSupport
import Testing

/// `services`, `describe` and `call` against the inventory example (Examples/inventory-python),
/// its schema learnt from reflection, and again with reflection off and `--proto`.
@Suite("Schemas: services, describe, call", .timeLimit(.minutes(3)))
struct SchemaEndToEndTests {
  static let example = Fixtures.packageRoot.appendingPathComponent("Examples/inventory-python")
  static let proto = example.appendingPathComponent("protos/inventory.proto").path

  /// How the plugin's schema reaches plugin-dev.
  enum Source: String, CaseIterable, Sendable {
    case reflection, protoFile

    var arguments: [String] { self == .protoFile ? ["--proto", SchemaEndToEndTests.proto] : [] }
    var environment: [String: String] {
      ["INVENTORY_PLUGIN": "stock", "INVENTORY_REFLECTION": self == .reflection ? "on" : "off"]
    }
    var label: String { self == .reflection ? "reflection (v1alpha)" : "--proto \(SchemaEndToEndTests.proto)" }
  }

  static let execs = [
    "services", "describe inventory.v1.Item", #"call GetItem {"sku": "hammer"}"#,
    #"call inventory.v1.Inventory.WatchStock {"sku": "hammer", "updates": 3}"#, #"call GetItem {"sku": 5}"#,
    "call GetItm {}", #"call GetItem {"sku": "nope"}"#, "call /grpc.health.v1.Health/Check {}",
    "call /plugin.GRPCBroker/StartStream {}",
  ]

  static func run(_ source: Source, json: Bool) async throws -> PluginDevCLI.Result {
    try await PluginDevCLI.run(
      ["run", "--headless"] + (json ? ["--json"] : []) + source.arguments
        + execs.flatMap { ["--exec", $0] } + ["--", Fixtures.python, example.appendingPathComponent("plugin.py").path],
      environment: source.environment, workingDirectory: try Fixtures.temporaryDirectory())
  }

  @Test(arguments: Source.allCases)
  func servicesDescribeAndCalls(_ source: Source) async throws {
    let result = try await Self.run(source, json: true)
    // Exit 1: the bad requests and NOT_FOUND are failed calls.
    #expect(result.status == .exited(1), "\(result.transcript)")
    let calls = result.events("call")
    func call(_ command: String) -> [[String: Any]] { calls.filter { $0["command"] as? String == command } }

    let services = try #require(call("services").first?["result"] as? [[String: Any]], "\(result.transcript)")
    let inventory = try #require(services.first { $0["service"] as? String == "inventory.v1.Inventory" })
    #expect(inventory["source"] as? String == source.label)
    let methods = (inventory["methods"] as? [[String: Any]]) ?? []
    #expect(methods.map { $0["name"] as? String } == ["GetItem", "PutItem", "WatchStock"])
    #expect(methods.map { $0["kind"] as? String } == ["unary", "unary", "server streaming"])
    // plugin-dev knows proto.KV by itself: listed while nothing says otherwise, left out once the
    // plugin's reflection lists its services without it.
    let kvListed = services.contains { $0["service"] as? String == "proto.KV" && $0["source"] as? String == "built-in" }
    #expect(kvListed == (source == .protoFile), "\(services.compactMap { $0["service"] as? String })")

    let describe = call("describe inventory.v1.Item").first
    let lines = describe?["detail"] as? [String] ?? []
    #expect(lines.first == "message Item {", "\(String(describing: describe))")
    #expect(lines.contains("  map<string, int32> stock_by_warehouse = 6;"))
    #expect(lines.contains("  oneof availability {"))

    let item = try #require(call(#"call GetItem {"sku": "hammer"}"#).first?["result"] as? [String: Any])
    #expect(item["category"] as? String == "TOOLS")
    #expect(item["updatedAt"] as? String == "2024-05-01T12:30:45Z")
    #expect((item["price"] as? [String: Any])?["units"] as? String == "12")
    #expect(item["stockByWarehouse"] as? [String: Int] == ["berlin": 4, "lyon": 11])
    #expect(item["inStock"] as? Bool == true)

    let stream = call(#"call inventory.v1.Inventory.WatchStock {"sku": "hammer", "updates": 3}"#)
    #expect(stream.map { $0["message"] as? Int } == [1, 2, 3, nil], "\(result.transcript)")
    #expect((stream.first?["result"] as? [String: Any])?["warehouse"] as? String == "berlin")
    #expect(stream.last?["code"] as? String == "ok")
    #expect(stream.last?["result"] as? String == "3 messages")

    let badJSON = call(#"call GetItem {"sku": 5}"#).first
    #expect(badJSON?["code"] as? String == "invalidArgument")
    #expect((badJSON?["result"] as? String)?.contains(#"field "sku": expected a string, got 5"#) == true)
    let unknown = call("call GetItm {}").first
    #expect(
      (unknown?["result"] as? String)?.hasPrefix(#"no method "GetItm"; near names: /inventory.v1.Inventory/GetItem"#)
        == true, "\(String(describing: unknown))")
    let missing = call(#"call GetItem {"sku": "nope"}"#).first
    #expect(missing?["code"] as? String == "notFound")
    #expect(missing?["result"] as? String == "no item with sku 'nope'")
    #expect(call("call /grpc.health.v1.Health/Check {}").first?["result"] as? [String: String] == ["status": "SERVING"])
    let bidi = call("call /plugin.GRPCBroker/StartStream {}").first
    #expect((bidi?["result"] as? String)?.contains("bidirectional streaming") == true)

    // The frame log decodes the calls by the schema: names, not field numbers.
    let frames = result.events("frame").compactMap { $0["frame"] as? [String: Any] }
    let messages = frames.filter { ($0["method"] as? String)?.hasPrefix("/inventory.v1.Inventory/") == true }
      .flatMap { $0["messages"] as? [[String: Any]] ?? [] }
    let itemMessage = messages.first { $0["typeName"] as? String == "inventory.v1.Item" }
    #expect(
      (itemMessage?["summary"] as? String)?.hasPrefix(#"Item {sku: "hammer", name: "Claw hammer", category: TOOLS"#)
        == true,
      "\(String(describing: itemMessage))")
    #expect(itemMessage?["schemaless"] as? Bool == false)
    let events = messages.filter { $0["typeName"] as? String == "inventory.v1.StockEvent" }
    #expect(events.count == 3)
    #expect((events.first?["summary"] as? String)?.contains("warehouse: \"berlin\"") == true)
    if source == .protoFile {
      #expect(
        result.events("notice").contains { ($0["text"] as? String)?.contains("does not serve gRPC reflection") == true }
      )
    }
  }

  @Test func headlessTextPrintsACallOnOneLine() async throws {
    let result = try await Self.run(.reflection, json: false)
    let line = result.stdout.first {
      $0.hasPrefix(#"call      call GetItem {"sku": "hammer"} → ok {"sku":"hammer","name":"Claw hammer""#)
    }
    #expect(line?.hasSuffix(" ms)") == true, "\(result.transcript)")
    #expect(
      result.stdout.contains {
        $0.hasPrefix(#"call      call inventory.v1.Inventory.WatchStock {"sku": "hammer", "updates": 3} → #2 {"#)
      })
    #expect(result.stdout.contains("          message Item {"), "\(result.transcript)")
  }

  @Test func protocErrorsStopTheRunBeforeThePluginStarts() async throws {
    let dir = try Fixtures.temporaryDirectory()
    let broken = dir.appendingPathComponent("broken.proto")
    try "syntax = \"proto3\";\nmessage A {\n  strin name = 1;\n}\n".write(to: broken, atomically: true, encoding: .utf8)
    let result = try await PluginDevCLI.run(["run", "--headless", "--proto", broken.path, "--exec", "services"])
    #expect(result.status == .exited(64), "\(result.transcript)")
    #expect(result.stderr.contains { $0.contains("broken.proto:3:") }, "\(result.transcript)")
    #expect(result.events("started").isEmpty)
  }
}
