import Foundation
import PluginHost
import SwiftProtobuf
import WireTap

/// Loads the schemas a session starts with: `--proto` files, `--protoset` files and the
/// manifest's `"protos"`, in that order (the first source wins per symbol). Reflection is asked
/// later, once the plugin is SERVING; the built-in services come last (`BuiltInSchemas`).
public enum SchemaLoader {
  /// Why a schema source could not be used.
  public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
    /// A `--protoset` file could not be read or is not a FileDescriptorSet.
    case protoset(path: String, reason: String)
    /// protoc failed on `--proto` or manifest files.
    case compile(ProtoCompiler.Failure, from: String)

    /// What happened and what to do.
    public var description: String {
      switch self {
      case .protoset(let path, let reason):
        return "--protoset \(path): \(reason) (make one with protoc --include_imports --descriptor_set_out=FILE)"
      case .compile(let failure, let from): return "\(from): \(failure)"
      }
    }
  }

  /// The descriptors of `options` and the target's manifest.
  public static func load(_ options: SchemaOptions, manifestProtos: [String] = []) async throws(Failure)
    -> DescriptorRegistry
  {
    var registry = DescriptorRegistry()
    if !options.protoFiles.isEmpty {
      do {
        let set = try await ProtoCompiler.compile(files: options.protoFiles, importPaths: options.importPaths)
        add(set, from: options.protoFiles, source: SchemaSource.protoFile, to: &registry)
      } catch {
        throw .compile(error, from: "--proto")
      }
    }
    for path in options.protosets {
      let data: Data
      do {
        data = try Data(contentsOf: URL(fileURLWithPath: path))
      } catch {
        throw .protoset(path: path, reason: "cannot be read (\(error.localizedDescription))")
      }
      let set: Google_Protobuf_FileDescriptorSet
      do {
        set = try Google_Protobuf_FileDescriptorSet(serializedBytes: data)
      } catch {
        throw .protoset(path: path, reason: "not a FileDescriptorSet (\(error))")
      }
      registry.add(set.file, source: .protoset(path))
    }
    if !manifestProtos.isEmpty {
      do {
        let set = try await ProtoCompiler.compile(files: manifestProtos, importPaths: options.importPaths)
        add(set, from: manifestProtos, source: SchemaSource.manifest, to: &registry)
      } catch {
        throw .compile(error, from: "plugin.json \"protos\"")
      }
    }
    return registry
  }

  /// Adds a compiled set, each file labelled with the argument it came from (imports with the
  /// first argument).
  private static func add(
    _ set: Google_Protobuf_FileDescriptorSet, from arguments: [String], source: (String) -> SchemaSource,
    to registry: inout DescriptorRegistry
  ) {
    for file in set.file {
      let origin = arguments.first { $0.hasSuffix("/" + file.name) || $0 == file.name } ?? arguments.first ?? file.name
      registry.add([file], source: source(origin))
    }
  }
}
