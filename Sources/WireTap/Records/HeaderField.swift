/// One decoded HTTP/2 header (pseudo-headers such as `:path` included).
public struct HeaderField: Sendable, Hashable, Codable {
  /// Lower-case header name.
  public var name: String
  /// Header value as sent (grpc-message is kept percent-encoded here).
  public var value: String

  /// Makes a header field.
  public init(name: String, value: String) {
    self.name = name
    self.value = value
  }
}
