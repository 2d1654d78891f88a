import Foundation
import Testing

@testable import PluginHost
@testable import PluginSession

@Suite("ConsoleCommand")
struct ConsoleCommandTests {
  @Test(
    "commands parse",
    arguments: [
      ("get a", ConsoleCommand.get(key: "a")),
      ("put a hello world", .put(key: "a", value: Data("hello world".utf8))),
      ("  PUT k  ", .put(key: "k", value: Data())),
      ("put k 0x00ff", .put(key: "k", value: Data([0, 255]))),
      ("health", .health), ("restart", .restart), ("clear", .clear), ("help", .help),
      ("export /tmp/frames.jsonl", .export(path: "/tmp/frames.jsonl")),
      // `:` typed again inside the console (it opens the console).
      (":get a", .get(key: "a")), (" : health", .health), ("::services", .services),
    ])
  func parses(text: String, command: ConsoleCommand) throws {
    #expect(try ConsoleCommand.parse(text) == command)
  }

  @Test func aPcapngPathExportsTheCapture() throws {
    #expect(ConsoleCommand.isCaptureExport("/tmp/x.pcapng") && ConsoleCommand.isCaptureExport("X.PcapNG"))
    #expect(!ConsoleCommand.isCaptureExport("/tmp/x.jsonl") && !ConsoleCommand.isCaptureExport("/tmp/pcapng"))
    #expect(try ConsoleCommand.parse("export my capture.pcapng") == .export(path: "my capture.pcapng"))
  }

  @Test(
    "bad input says what to type",
    arguments: [
      ("", "type a command"), ("get", "usage: get KEY"), ("get a b", "usage: get KEY"),
      ("frobnicate x", "unknown command 'frobnicate'"),
      ("put k 0xzz", "is not hex"), ("put k 0x123", "is not hex"), ("export", "usage: export FILE"),
    ])
  func errors(text: String, message: String) {
    do {
      _ = try ConsoleCommand.parse(text)
      Issue.record("accepted \(text)")
    } catch {
      #expect(error.description.contains(message), "\(error.description)")
    }
  }
}
