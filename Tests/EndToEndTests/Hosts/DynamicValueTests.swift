import Foundation
import TestSupport
import Testing

/// A Terraform `DynamicValue` in the frame log: PyPI's `tf` provider called with a msgpack config
/// (encoded by PyPI's msgpack), its schema from the `tf` package's own generated module (written
/// as a protoset at test time; no HashiCorp .proto is in the repository). The request's
/// `config.msgpack` shows as the value, not as bytes.
@Suite("DynamicValue in the frame log", .timeLimit(.minutes(3)))
struct DynamicValueTests {
  @Test func aProvidersConfigShowsAsItsValue() async throws {
    let folder = try Fixtures.temporaryDirectory()
    let protoset = folder.appendingPathComponent("tfplugin6.protoset").path
    let script = """
      import base64, msgpack, sys
      from google.protobuf import descriptor_pb2
      from tf.gen import tfplugin_pb2
      files = descriptor_pb2.FileDescriptorSet()
      tfplugin_pb2.DESCRIPTOR.CopyToProto(files.file.add())
      open(sys.argv[1], "wb").write(files.SerializeToString())
      print(base64.b64encode(msgpack.packb({"text": "hi", "length": None})).decode())
      """
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Fixtures.terraformPython)
    process.arguments = ["-c", script, protoset]
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
    let config = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)

    let call =
      #"call tfplugin6.Provider/ValidateResourceConfig {"typeName":"notes_note","config":{"msgpack":"\#(config)"}}"#
    let result = try await PluginDevCLI.run(
      ["run", "--headless", "--json", "--host", "terraform", "--protoset", protoset, "--exec", call, "--"]
        + Fixtures.terraformProvider)
    let called = result.events("call").first { ($0["command"] as? String)?.hasPrefix("call ") == true }
    #expect(called?["code"] as? String == "ok", "\(result.transcript)")
    let summaries = result.events("frame").compactMap { ($0["frame"] as? [String: Any])?["summary"] as? String }
    #expect(
      summaries.contains { $0.contains(#"config: {msgpack: {"text":"hi","length":null}}"#) },
      "\(summaries.filter { $0.hasPrefix("DATA") })")
  }
}
