import ArgumentParser
import PluginHost
import PluginSchemas
import WireTap

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
  ///
  /// No signal is relayed meanwhile: Ctrl-C or SIGTERM end plugin-dev as they would, and the
  /// `Watchdog` ends protoc with it (protoc writes no file that could be left behind).
  func load(manifestProtos: [String]) async throws -> DescriptorRegistry {
    do {
      return try await SchemaLoader.load(options, manifestProtos: manifestProtos)
    } catch {
      throw ValidationError(error.description)
    }
  }
}
