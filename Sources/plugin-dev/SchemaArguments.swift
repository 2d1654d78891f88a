import ArgumentParser
import PluginHost
import WireTap

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where the plugin's own schemas come from: `--proto`, `--import-path`, `--protoset`, reflection.
struct SchemaArguments: ParsableArguments {
  @Option(
    name: .customLong("proto"),
    help: ArgumentHelp(
      "A .proto file describing the plugin's services (repeatable); compiled with protoc.",
      discussion: "The well-known types (google/protobuf/*.proto) are found without naming their folder.",
      valueName: "file"))
  var protoFiles: [String] = []

  @Option(
    name: .customLong("import-path"),
    help: ArgumentHelp("A folder protoc searches for imports of the --proto files (repeatable).", valueName: "dir"))
  var importPaths: [String] = []

  @Option(
    name: .customLong("protoset"),
    help: ArgumentHelp(
      "A FileDescriptorSet describing the plugin's services (repeatable), as grpcurl takes"
        + " (protoc --include_imports --descriptor_set_out=FILE).", valueName: "file"))
  var protosets: [String] = []

  @Flag(
    name: .customLong("no-reflection"),
    help: "Do not ask the plugin's gRPC server reflection for its schemas once it is SERVING.")
  var noReflection = false

  /// The options for the session.
  var options: SchemaOptions {
    SchemaOptions(protoFiles: protoFiles, importPaths: importPaths, protosets: protosets, reflection: !noReflection)
  }

  /// Loads the files now (before the plugin starts), so a protoc error stops `run` at once.
  /// Ctrl-C (SIGINT), SIGTERM or SIGHUP meanwhile stops protoc and ends plugin-dev.
  func load(manifestProtos: [String]) async throws -> DescriptorRegistry {
    let options = options
    let loading = Task { try await SchemaLoader.load(options, manifestProtos: manifestProtos) }
    let signals = SignalRelay(signals: [SIGINT, SIGTERM, SIGHUP]) { _ in loading.cancel() }
    defer { signals.cancel() }
    do {
      return try await loading.value
    } catch SchemaLoader.Failure.compile(.stopped, _) {
      writeLine(stderr: true, "plugin-dev: stopped while protoc compiled the .proto files")
      throw ExitCode(130)
    } catch {
      throw ValidationError("\(error)")
    }
  }
}
