import SwiftProtobuf

/// Which protobuf message types a gRPC method carries, keyed by its path.
///
/// Callers fill it with the generated go-plugin types, e.g.
/// `registry.register(path: "/proto.KV/Put", request: Proto_PutRequest.self, response: Proto_Empty.self)`.
public struct MessageRegistry: Sendable {
  /// The request and response types of one method.
  public struct Entry: Sendable {
    /// Message type the host sends (client → server).
    public var request: any Message.Type
    /// Message type the plugin sends back (server → client).
    public var response: any Message.Type

    /// Makes an entry.
    public init(request: any Message.Type, response: any Message.Type) {
      self.request = request
      self.response = response
    }
  }

  private var entries: [String: Entry] = [:]

  /// An empty registry (everything decodes schemaless).
  public init() {}

  /// Registers (or replaces) the types of the method at `path`, e.g. `/proto.KV/Put`.
  public mutating func register(path: String, request: any Message.Type, response: any Message.Type) {
    entries[path] = Entry(request: request, response: response)
  }

  /// The entry for `path`, if registered.
  public func entry(for path: String) -> Entry? { entries[path] }

  /// The request (`isRequest`) or response type for `path`, if registered.
  public func messageType(for path: String, isRequest: Bool) -> (any Message.Type)? {
    guard let entry = entries[path] else { return nil }
    return isRequest ? entry.request : entry.response
  }

  /// All registered paths, sorted.
  public var paths: [String] { entries.keys.sorted() }

  /// Number of registered methods.
  public var count: Int { entries.count }
}
