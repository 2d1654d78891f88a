import Foundation
import PluginProtocol
import SwiftProtobuf
import Testing
import WireTap

@testable import PluginHost
@testable import PluginSchemas

#if canImport(Glibc)
  import Glibc
#endif

/// Schema sources: --proto (the real protoc), --protoset, plugin.json "protos", the built-ins.
@Suite("Schema sources")
struct SchemaLoaderTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  static let features = root.appendingPathComponent("Tests/Fixtures/protos/features.proto").path

  static func scratch() throws -> PrivateDirectory { try PrivateDirectory.make(prefix: "schema-tests-") }

  @Test func protoFileIsCompiledWithTheWellKnownTypesFoundAutomatically() async throws {
    let registry = try await SchemaLoader.load(SchemaOptions(protoFiles: [Self.features]))
    let service = try #require(registry.services["features.v1.Features"])
    #expect(service.source == .protoFile(Self.features))
    #expect(registry.message("google.protobuf.Timestamp") != nil)
    #expect(registry.missingTypes(ofService: "features.v1.Features").isEmpty)
  }

  @Test func protocErrorsNameTheFileAndLine() async throws {
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(atPath: folder.path) }
    let broken = folder.appending("broken.proto")
    try "syntax = \"proto3\";\nmessage A {\n  strin name = 1;\n}\n".write(
      toFile: broken, atomically: true, encoding: .utf8)
    await #expect {
      try await SchemaLoader.load(SchemaOptions(protoFiles: [broken]))
    } throws: { error in
      let text = "\(error)"
      return text.hasPrefix("--proto: protoc could not compile") && text.contains("broken.proto:3:")
        && text.contains("strin")
    }
  }

  @Test func missingProtocSaysWhichPackageInstallsIt() async {
    await #expect(throws: ProtoCompiler.Failure.protocMissing) {
      try await ProtoCompiler.compile(files: [Self.features], importPaths: [], environment: ["PATH": "/nonexistent"])
    }
    #expect(ProtoCompiler.Failure.protocMissing.description.contains("apt-get install protobuf-compiler"))
  }

  /// protoc reading an import that never ends (a FIFO) is stopped at the timeout (#26 item 4).
  @Test func aHangingProtocIsStoppedAtItsTimeout() async throws {
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(atPath: folder.path) }
    #expect(mkfifo(folder.appending("hang.proto"), 0o600) == 0)
    let main = folder.appending("main.proto")
    try "syntax = \"proto3\";\nimport \"hang.proto\";\n".write(toFile: main, atomically: true, encoding: .utf8)
    await #expect(throws: ProtoCompiler.Failure.timedOut(.seconds(2))) {
      try await ProtoCompiler.compile(files: [main], importPaths: [], timeout: .seconds(2))
    }
    await #expect(throws: ProtoCompiler.Failure.notRegularFile(path: folder.appending("hang.proto"), kind: "a FIFO")) {
      try await ProtoCompiler.compile(files: [folder.appending("hang.proto")], importPaths: [])
    }
  }

  @Test func importPathsComeFirstThenTheFilesFolderThenTheWellKnownTypes() async {
    let arguments = ProtoCompiler.arguments(
      files: ["/a/b/x.proto", "/c/y.proto"], importPaths: ["/a"], descriptorSetOut: "/o.pb",
      wellKnownFolder: "/usr/include")
    #expect(
      arguments == [
        "--proto_path=/a", "--proto_path=/c", "--proto_path=/usr/include", "--include_imports",
        "--descriptor_set_out=/o.pb", "/a/b/x.proto", "/c/y.proto",
      ])
  }

  @Test func protosetIsReadAndTheFirstSourceWinsPerSymbol() async throws {
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(atPath: folder.path) }
    let set = try await ProtoCompiler.compile(files: [Self.features], importPaths: [])
    let path = folder.appending("features.protoset")
    try Data(try set.serializedBytes() as [UInt8]).write(to: URL(fileURLWithPath: path))
    let fromSet = try await SchemaLoader.load(SchemaOptions(protoFiles: [], protosets: [path]))
    #expect(fromSet.services["features.v1.Features"]?.source == .protoset(path))
    let both = try await SchemaLoader.load(SchemaOptions(protoFiles: [Self.features], protosets: [path]))
    #expect(both.services["features.v1.Features"]?.source == .protoFile(Self.features))
    let manifestFirst = try await SchemaLoader.load(
      SchemaOptions(protoFiles: [], protosets: [path]),
      manifestProtos: [
        Self.features
      ])
    #expect(manifestFirst.services["features.v1.Features"]?.source == .protoset(path))
  }

  @Test func aFileThatIsNotADescriptorSetIsRefused() async throws {
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(atPath: folder.path) }
    let path = folder.appending("junk.protoset")
    try Data([0xff, 0xff, 0xff]).write(to: URL(fileURLWithPath: path))
    await #expect {
      try await SchemaLoader.load(SchemaOptions(protoFiles: [], protosets: [path]))
    } throws: { "\($0)".contains("not a FileDescriptorSet") }
    await #expect {
      try await SchemaLoader.load(SchemaOptions(protoFiles: [], protosets: [folder.appending("absent.protoset")]))
    } throws: { "\($0)".contains("cannot be read") }
  }

  @Test func manifestProtosAreRelativeToThePluginFolder() async throws {
    let folder = try Self.scratch()
    defer { try? FileManager.default.removeItem(atPath: folder.path) }
    try #"{"command": "./plugin", "protos": ["protos/shop.proto"]}"#.write(
      toFile: folder.appending("plugin.json"), atomically: true, encoding: .utf8)
    let target = try PluginTarget.resolve(folder.path)
    #expect(target.protos == [URL(fileURLWithPath: folder.path).appendingPathComponent("protos/shop.proto").path])
  }

  @Test func builtInsDescribeGoPluginsServicesTheKVExampleAndTheWellKnownTypes() async throws {
    let builtIn = BuiltInSchemas.registry
    for path in [
      "/proto.KV/Get", "/proto.KV/Put", "/grpc.health.v1.Health/Check", "/plugin.GRPCController/Shutdown",
      "/plugin.GRPCStdio/StreamStdio", "/plugin.GRPCBroker/StartStream",
      "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
    ] {
      #expect(builtIn.method(path: path)?.source == .builtIn, "\(path)")
    }
    #expect(builtIn.method(path: "/plugin.GRPCStdio/StreamStdio")?.kind == "server streaming")
    #expect(builtIn.message("google.protobuf.Struct") != nil)
    var user = DescriptorRegistry()
    user.add(try await ProtoCompiler.compile(files: [Self.features], importPaths: []).file, source: .protoFile("f"))
    let all = BuiltInSchemas.completing(user)
    #expect(all.message("google.protobuf.Timestamp")?.source == .protoFile("f"))
    #expect(all.method(path: "/proto.KV/Get")?.source == .builtIn)
  }
}
