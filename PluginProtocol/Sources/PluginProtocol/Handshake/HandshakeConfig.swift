/// The handshake settings a host and its plugins agree on: app protocol versions and the magic cookie.
///
/// The cookie is a UX check, not security (docs/protocol.md §2). The KV example uses
/// `BASIC_PLUGIN=hello` and app protocol version 1.
public struct HandshakeConfig: Sendable, Equatable, Codable {
  /// App protocol versions (field 2 of the handshake line): offered by a host, supported by a plugin.
  public var protocolVersions: [Int]
  /// Name of the environment variable that carries the magic cookie.
  public var magicCookieKey: String
  /// Value the magic cookie variable must have.
  public var magicCookieValue: String

  /// Creates a handshake configuration.
  public init(protocolVersions: [Int], magicCookieKey: String, magicCookieValue: String) {
    self.protocolVersions = protocolVersions
    self.magicCookieKey = magicCookieKey
    self.magicCookieValue = magicCookieValue
  }

  /// go-plugin's KV example (`examples/grpc`): version 1, `BASIC_PLUGIN=hello`.
  public static let kvExample = HandshakeConfig(
    protocolVersions: [1], magicCookieKey: "BASIC_PLUGIN", magicCookieValue: "hello")

  /// The core protocol version, field 1 of every handshake line; fixed at 1 in every go-plugin release.
  public static let coreProtocolVersion = 1
}
