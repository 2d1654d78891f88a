import PluginHost
import PluginSchemas

/// How `run` (a `Session`) starts its plugin: the host core's options, and where the schemas come
/// from. The host's options read as its own (`options.tap`), through `host`.
@dynamicMemberLookup
public struct SessionOptions: Sendable, Equatable {
  /// How the plugin is started and watched.
  public var host = HostOptions()
  /// Where the plugin's schemas come from besides the built-in ones (`--proto`, `--protoset`, reflection).
  public var schemas = SchemaOptions()

  /// Default options (what a go-plugin host does).
  public init() {}

  /// A host option, read and written as the session's own.
  public subscript<Value>(dynamicMember keyPath: WritableKeyPath<HostOptions, Value>) -> Value {
    get { host[keyPath: keyPath] }
    set { host[keyPath: keyPath] = newValue }
  }
}
