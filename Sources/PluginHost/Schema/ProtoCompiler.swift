import Foundation
import PluginProtocol
import SwiftProtobuf

/// Compiles .proto files into descriptors with Debian's `protoc`
/// (`protoc --include_imports --descriptor_set_out`), the well-known types found without the
/// user naming their folder.
public enum ProtoCompiler {
  /// Why .proto files could not be compiled.
  public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
    /// No `protoc` on PATH.
    case protocMissing
    /// protoc rejected the files; its message names the file and line.
    case rejected(output: String)
    /// protoc could not be run, or its output could not be read.
    case failed(String)

    /// What happened and what to do.
    public var description: String {
      switch self {
      case .protocMissing:
        return "--proto needs protoc, which is not installed: apt-get install protobuf-compiler"
          + " (or give a compiled --protoset)"
      case .rejected(let output): return "protoc could not compile the .proto files:\n" + output
      case .failed(let reason): return "protoc failed: \(reason)"
      }
    }
  }

  /// Folders searched for `google/protobuf/*.proto` when the user's import paths lack them.
  public static let wellKnownIncludes = ["/usr/include", "/usr/local/include"]

  /// protoc's arguments: the user's import paths (or each file's folder when none contains it),
  /// a folder with the well-known types, then the files.
  public static func arguments(
    files: [String], importPaths: [String], descriptorSetOut: String,
    wellKnownFolder: String? = wellKnownFolder(importPaths: [])
  ) -> [String] {
    var paths = importPaths.map(normalised)
    for file in files {
      let absolute = normalised(file)
      if !paths.contains(where: { absolute.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }) {
        paths.append((absolute as NSString).deletingLastPathComponent)
      }
    }
    if let wellKnownFolder, !paths.contains(wellKnownFolder) { paths.append(wellKnownFolder) }
    return paths.map { "--proto_path=\($0)" } + [
      "--include_imports", "--descriptor_set_out=\(descriptorSetOut)",
    ] + files.map(normalised)
  }

  /// The first folder holding `google/protobuf/timestamp.proto`: an import path, else a system one.
  public static func wellKnownFolder(importPaths: [String]) -> String? {
    (importPaths.map(normalised) + wellKnownIncludes).first {
      FileManager.default.fileExists(atPath: $0 + "/google/protobuf/timestamp.proto")
    }
  }

  private static func normalised(_ path: String) -> String {
    let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    return URL(fileURLWithPath: absolute).standardizedFileURL.path
  }

  /// The `protoc` on PATH, if any.
  public static func protocPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
    let folders = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
    return folders.map { "\($0)/protoc" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// Compiles `files` (with `importPaths`) into one FileDescriptorSet, imports included; protoc
  /// is looked for on `environment`'s PATH.
  public static func compile(
    files: [String], importPaths: [String], environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws(Failure) -> Google_Protobuf_FileDescriptorSet {
    guard let protoc = protocPath(environment: environment) else { throw .protocMissing }
    let folder: PrivateDirectory
    do {
      folder = try PrivateDirectory.make(prefix: "plugin-dev-protoc-")
    } catch {
      throw .failed(error.description)
    }
    defer { try? FileManager.default.removeItem(atPath: folder.path) }
    let output = folder.appending("set.pb")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: protoc)
    process.arguments = arguments(
      files: files, importPaths: importPaths, descriptorSetOut: output,
      wellKnownFolder: wellKnownFolder(importPaths: importPaths))
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = errors
    process.standardInput = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      throw .failed("\(protoc) could not be started: \(error.localizedDescription)")
    }
    let message = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw .rejected(output: String(decoding: message, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
    do {
      return try Google_Protobuf_FileDescriptorSet(serializedBytes: try Data(contentsOf: URL(fileURLWithPath: output)))
    } catch {
      throw .failed("its descriptor set could not be read: \(error)")
    }
  }
}
