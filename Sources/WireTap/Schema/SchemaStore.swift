import Synchronization

/// The descriptors a session knows, shared between the decoders of its connections and the
/// code that learns new schemas (reflection answers after the plugin is SERVING).
public final class SchemaStore: Sendable {
  private let state: Mutex<DescriptorRegistry>

  /// A store holding `registry`.
  public init(_ registry: DescriptorRegistry = DescriptorRegistry()) {
    state = Mutex(registry)
  }

  /// The registry as it is now.
  public var registry: DescriptorRegistry { state.withLock { $0 } }

  /// Adds a later source's descriptors (symbols already known keep their first source).
  public func merge(_ other: DescriptorRegistry) {
    state.withLock { $0.merge(other) }
  }

  /// Replaces everything (a restart asks reflection again).
  public func replace(with registry: DescriptorRegistry) {
    state.withLock { $0 = registry }
  }
}
