import PluginHost

/// Where `run` (and `check`) find the schemas of a plugin's services, besides the built-in ones.
public struct SchemaOptions: Sendable, Equatable {
  /// `--proto FILE`, compiled with protoc.
  public var protoFiles: [String] = []
  /// `--import-path DIR` for the `--proto` files (and the manifest's).
  public var importPaths: [String] = []
  /// `--protoset FILE` (FileDescriptorSets).
  public var protosets: [String] = []
  /// Ask gRPC server reflection once the plugin is SERVING (`--no-reflection` turns it off).
  public var reflection = true

  /// No sources but reflection.
  public init() {}

  /// Makes options.
  public init(protoFiles: [String], importPaths: [String] = [], protosets: [String] = [], reflection: Bool = true) {
    self.protoFiles = protoFiles
    self.importPaths = importPaths
    self.protosets = protosets
    self.reflection = reflection
  }
}
