/// Where a schema (a file of descriptors) came from; the first source wins per symbol.
public enum SchemaSource: Sendable, Hashable, CustomStringConvertible {
  /// `--proto FILE`, compiled with protoc.
  case protoFile(String)
  /// `--protoset FILE`, a FileDescriptorSet.
  case protoset(String)
  /// `"protos"` in the plugin's plugin.json.
  case manifest(String)
  /// gRPC server reflection; the associated value names the reflection service version (`v1`, `v1alpha`).
  case reflection(String)
  /// Built into plugin-dev (go-plugin's own services, the KV example).
  case builtIn

  /// `--proto kv.proto`, `reflection (v1)`, `built-in`, …
  public var description: String {
    switch self {
    case .protoFile(let path): return "--proto \(path)"
    case .protoset(let path): return "--protoset \(path)"
    case .manifest(let path): return "plugin.json \(path)"
    case .reflection(let version): return "reflection (\(version))"
    case .builtIn: return "built-in"
    }
  }
}
