import PluginHost
import WireTap

/// What the console needs to complete a `call`: every method and its request's fields.
public struct SchemaCatalog: Sendable, Equatable {
  /// Every known method, sorted by path.
  public var methods: [MethodSchema]
  /// The request message's fields by method path, e.g. `GetItemRequest {sku: string}`.
  public var requestFields: [String: String]

  /// An empty catalog.
  public init() {
    methods = []
    requestFields = [:]
  }

  /// The catalog of `registry`.
  public init(_ registry: DescriptorRegistry) {
    methods = registry.methods
    requestFields = Dictionary(
      uniqueKeysWithValues: methods.map { ($0.path, ProtoSyntax.fieldsHint(of: $0.inputType, in: registry)) })
  }
}
