import PluginHost
import WireTap

/// What the console needs to complete a `call`: every method and its request's fields.
public struct SchemaCatalog: Sendable, Equatable {
  /// Every known method, sorted by path.
  public var methods: [MethodSchema]
  /// The request message's fields by method path, e.g. `GetItemRequest {sku: string}`.
  public var requestFields: [String: String]

  /// Whether the plugin serves go-plugin's KV example service (the console's `get` and `put`).
  public var servesKV: Bool { methods.contains { $0.path.hasPrefix("/proto.KV/") } }

  /// An empty catalog.
  public init() {
    methods = []
    requestFields = [:]
  }

  /// The catalog of `registry`, without the services in `hiding` (`proto.KV` for a plugin that
  /// does not serve it).
  public init(_ registry: DescriptorRegistry, hiding: Set<String> = []) {
    methods = registry.methods.filter { method in
      !hiding.contains { method.path.hasPrefix("/\($0)/") }
    }
    requestFields = Dictionary(
      uniqueKeysWithValues: methods.map { ($0.path, ProtoSyntax.fieldsHint(of: $0.inputType, in: registry)) })
  }
}
