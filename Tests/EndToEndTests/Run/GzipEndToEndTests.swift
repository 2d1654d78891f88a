import Foundation
import TestSupport
import Testing

/// A plugin whose grpcio server compresses with gzip: the frame log shows its messages decoded
/// (issue #15 item 7).
@Suite("gzip: compressed gRPC messages decoded in the frame log", .timeLimit(.minutes(2)))
struct GzipEndToEndTests {
  @Test func getResponseIsInflatedAndDecoded() async throws {
    let value = String(repeating: "abc", count: 400)
    let result = try await PluginDevCLI.run(
      [
        "run", "--headless", "--json", "--exec", "put big \(value)", "--exec", "get big", "--",
        Fixtures.python, PluginDevCLI.fixture("gzip.py"),
      ], workingDirectory: try Fixtures.temporaryDirectory())
    // plugin-dev's own client, like a Go host without grpc's gzip package, refuses the compressed
    // answer (grpcio compresses whatever the client accepts); the frame log decodes it anyway.
    #expect(result.status == .exited(1), "\(result.transcript)")
    let call = result.events("call").last?["result"] as? String
    #expect(call?.contains("compression algorithm ('gzip')") == true, "\(result.transcript)")
    let frames = result.events("frame").compactMap { $0["frame"] as? [String: Any] }
    let encodings = frames.compactMap { $0["headers"] as? [[String: Any]] }.flatMap { $0 }
      .filter { $0["name"] as? String == "grpc-encoding" }.compactMap { $0["value"] as? String }
    #expect(encodings.contains("gzip"), "no grpc-encoding: gzip header in the frame log")
    let messages = frames.compactMap { $0["messages"] as? [[String: Any]] }.flatMap { $0 }
    let compressed = messages.filter { $0["compressed"] as? Bool == true }
    let get = try #require(
      compressed.first { $0["typeName"] as? String == "proto.GetResponse" },
      "no compressed GetResponse decoded: \(compressed)")
    #expect(get["schemaless"] as? Bool == false)
    #expect((get["summary"] as? String)?.hasPrefix("GetResponse {value: 1200 bytes \"abcabc") == true, "\(get)")
    #expect((get["note"] as? String)?.hasPrefix("gzip compressed: ") == true, "\(get)")
    #expect(get["byteCount"] as? Int == 1203)
  }
}
