import Foundation
import PluginHost
import PluginProtocol
import SwiftProtobuf

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Compiles .proto files into descriptors with Debian's `protoc`
/// (`protoc --include_imports --descriptor_set_out`), the well-known types found without the
/// user naming their folder.
///
/// protoc is started like every other child (`PluginProcess`: signals unblocked, its own process
/// group, ended by the `Watchdog` whenever plugin-dev ends, a signal or SIGKILL included), bounded
/// by a timeout, and stopped (SIGTERM, then SIGKILL) when the compiling task is cancelled. It
/// writes the descriptor set to its stdout, so no temporary file or folder can be left behind.
public enum ProtoCompiler {
  /// Why .proto files could not be compiled.
  public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
    /// No `protoc` on PATH.
    case protocMissing
    /// protoc rejected the files; its message names the file and line.
    case rejected(output: String)
    /// protoc could not be run, or its output could not be read.
    case failed(String)
    /// A file given to protoc is not a regular file (a FIFO or device would never end).
    case notRegularFile(path: String, kind: String)
    /// protoc ran longer than the timeout and was stopped.
    case timedOut(Duration)
    /// The compile was cancelled (plugin-dev was asked to stop) and protoc was stopped.
    case stopped

    /// What happened and what to do.
    public var description: String {
      switch self {
      case .protocMissing:
        return "--proto needs protoc, which is not installed: apt-get install protobuf-compiler"
          + " (or give a compiled --protoset)"
      case .rejected(let output): return "protoc could not compile the .proto files:\n" + output
      case .failed(let reason): return "protoc failed: \(reason)"
      case .notRegularFile(let path, let kind):
        return "\(path) is \(kind), not a regular file: protoc was not started; give a .proto file"
      case .timedOut(let timeout):
        return "protoc did not finish within \(timeout) and was stopped; check the files it reads (and their imports)"
          + " are ordinary .proto files, or give a compiled --protoset"
      case .stopped: return "stopped while protoc compiled the .proto files"
      }
    }
  }

  /// How long protoc may run.
  public static let defaultTimeout: Duration = .seconds(60)

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
    files: [String], importPaths: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
    timeout: Duration = defaultTimeout
  ) async throws(Failure) -> Google_Protobuf_FileDescriptorSet {
    guard let protoc = protocPath(environment: environment) else { throw .protocMissing }
    for file in files { try requireRegularFile(file) }
    let launch = PluginProcess.Launch(
      executable: protoc,
      arguments: arguments(
        files: files, importPaths: importPaths, descriptorSetOut: "/dev/stdout",
        wellKnownFolder: wellKnownFolder(importPaths: importPaths)),
      maxLineLength: 1 << 20)
    let output = try await run(launch, timeout: timeout)
    guard output.status == .exited(0) else {
      let text = output.errors.trimmingCharacters(in: .whitespacesAndNewlines)
      throw .rejected(output: text.isEmpty ? "protoc ended with \(output.status)" : text)
    }
    do {
      return try Google_Protobuf_FileDescriptorSet(serializedBytes: output.descriptorSet)
    } catch {
      throw .failed("its descriptor set could not be read: \(error)")
    }
  }

  /// Refuses a FIFO, device or folder (protoc would block on it, or read forever).
  static func requireRegularFile(_ path: String) throws(Failure) {
    var status = stat()
    guard stat(path, &status) == 0 else { return }  // protoc names a missing file itself
    switch status.st_mode & S_IFMT {
    case S_IFREG: return
    case S_IFDIR: throw .notRegularFile(path: path, kind: "a folder")
    case S_IFIFO: throw .notRegularFile(path: path, kind: "a FIFO")
    case S_IFCHR, S_IFBLK: throw .notRegularFile(path: path, kind: "a device")
    default: throw .notRegularFile(path: path, kind: "a special file")
    }
  }

  /// What protoc wrote: the descriptor set (its stdout) and its messages (stderr).
  private struct Output {
    var status: PluginProcess.ExitStatus
    var descriptorSet: [UInt8]
    var errors: String
  }

  /// Descriptor sets larger than this are refused.
  static let maxDescriptorSetBytes = 256 << 20

  /// Runs protoc, its descriptor set read from its stdout (no file, so nothing is left behind
  /// whatever ends plugin-dev) and the first 64 KiB of its messages; stops it at the timeout or
  /// on cancellation.
  private static func run(_ launch: PluginProcess.Launch, timeout: Duration) async throws(Failure) -> Output {
    let process: PluginProcess
    do {
      process = try await PluginProcess.start(launch)
    } catch {
      throw .failed("\(launch.executable) could not be started: \(error)")
    }
    let collector = Task { () -> (bytes: [UInt8], errors: String, tooLarge: Bool) in
      var bytes: [UInt8] = []
      var errors = ""
      var tooLarge = false
      for await event in process.events {
        guard case .line(let stream, let line, _) = event else { continue }
        if stream == .stdout {
          tooLarge = tooLarge || bytes.count + line.byteCount > maxDescriptorSetBytes
          if !tooLarge { bytes += line.originalBytes }
        } else if errors.utf8.count < 64 << 10 {
          errors += line.text + "\n"
        }
      }
      return (bytes, errors, tooLarge)
    }
    guard let status = await process.waitForExit(timeout: timeout) else {
      let cancelled = Task.isCancelled
      process.signalGroup(SIGTERM)
      if await process.waitForExit(timeout: .seconds(2)) == nil { await process.kill() }
      collector.cancel()
      throw cancelled ? .stopped : .timedOut(timeout)
    }
    let collected = await collector.value
    if collected.tooLarge { throw .failed("its descriptor set is larger than \(maxDescriptorSetBytes >> 20) MiB") }
    return Output(status: status, descriptorSet: collected.bytes, errors: collected.errors)
  }
}
