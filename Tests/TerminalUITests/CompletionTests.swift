import PluginHost
import PluginSchemas
import Testing
import WireTap

@testable import TerminalUI

/// Tab in the console completes `call` and `describe` method names and shows the request's fields.
@Suite("Console completion")
struct CompletionTests {
  static func method(_ service: String, _ name: String, streaming: Bool = false) -> MethodSchema {
    MethodSchema(
      service: service, name: name, inputType: "\(service).\(name)Request", outputType: "\(service).\(name)Reply",
      clientStreaming: false, serverStreaming: streaming, source: .reflection("v1"))
  }

  static func state() -> AppState {
    var state = Fixture.running()
    var catalog = SchemaCatalog()
    catalog.methods = [
      method("inventory.v1.Inventory", "GetItem"), method("inventory.v1.Inventory", "PutItem"),
      method("inventory.v1.Inventory", "WatchStock", streaming: true), method("proto.KV", "Get"),
    ]
    catalog.requestFields["/inventory.v1.Inventory/GetItem"] = "GetItemRequest {sku: string}"
    Fixture.feed(&state, [Fixture.event(.schemas(catalog), 1)])
    Fixture.press(&state, [.character(":")])
    return state
  }

  @Test func aUniqueMethodIsCompletedWithItsRequestFields() {
    var state = Self.state()
    Fixture.type(&state, "call GetI")
    Fixture.press(&state, [.tab])
    #expect(state.console.input.text == "call /inventory.v1.Inventory/GetItem {}")
    #expect(state.console.output.last == .info("/inventory.v1.Inventory/GetItem request: GetItemRequest {sku: string}"))
    #expect(state.focus == .console, "Tab completed instead of moving the focus")
  }

  @Test func severalCandidatesCompleteToTheirCommonPrefixAndAreListed() {
    var state = Self.state()
    Fixture.type(&state, "describe /inv")
    Fixture.press(&state, [.tab])
    #expect(state.console.input.text == "describe /inventory.v1.Inventory/")
    #expect(
      state.console.output.last
        == .info(
          "/inventory.v1.Inventory/GetItem  /inventory.v1.Inventory/PutItem  /inventory.v1.Inventory/WatchStock"))
  }

  @Test func otherLinesKeepTabForTheFocus() {
    var state = Self.state()
    Fixture.type(&state, "get a")
    Fixture.press(&state, [.tab])
    #expect(state.focus != .console)
    #expect(state.console.input.text == "get a")
  }

  @Test func noCandidateSaysSo() {
    var state = Self.state()
    Fixture.type(&state, "call Zzz")
    Fixture.press(&state, [.tab])
    #expect(state.console.output.last == .error("no method starts with \"Zzz\" (`services` lists them)"))
  }

  @Test func escAndCtrlCCancelACallInFlightAndKeepTheSession() {
    var state = Self.state()
    Fixture.type(&state, #"call WatchStock {"sku": "a"}"#)
    #expect(
      Fixture.press(&state, [.enter]) == [
        .runCall(.call(method: "WatchStock", json: #"{"sku": "a"}"#), text: #"call WatchStock {"sku": "a"}"#)
      ])
    #expect(Fixture.press(&state, [.escape]) == [.cancelCalls])
    #expect(state.focus == .console)
    #expect(state.console.output.last == .info("cancelling the call in flight…"))
    #expect(Fixture.press(&state, [.control("c")]) == [.cancelCalls])
    #expect(!state.quitting)
  }
}

/// The console's hint names what the plugin serves: KV's get and put, or services, describe and
/// call for a plugin without proto.KV (#24 item 4).
@Suite("Console hint")
struct ConsoleHintTests {
  static func hint(_ methods: [MethodSchema]) -> String {
    var state = Fixture.running()
    var catalog = SchemaCatalog()
    catalog.methods = methods
    Fixture.feed(&state, [Fixture.event(.schemas(catalog), 1)])
    state.focus = .frames
    return render(state, size: Size(width: 160, height: 40)).lines.joined(separator: "\n")
  }

  @Test func aKVPluginIsToldGetAndPut() {
    let screen = Self.hint([CompletionTests.method("proto.KV", "Get"), CompletionTests.method("proto.KV", "Put")])
    #expect(screen.contains("press : to type get KEY, put KEY VALUE"), "\(screen)")
  }

  @Test func anotherPluginIsToldServicesDescribeAndCall() {
    let screen = Self.hint([CompletionTests.method("tfplugin6.Provider", "GetProviderSchema")])
    #expect(screen.contains("press : to type services, describe NAME, call METHOD JSON"), "\(screen)")
    #expect(!screen.contains("get KEY"), "\(screen)")
  }
}
