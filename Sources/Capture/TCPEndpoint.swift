/// One end of a synthesized TCP connection: an IPv4 address, a port and the Ethernet address
/// that goes with it (locally administered: `02:00` followed by the IPv4 address).
public struct TCPEndpoint: Sendable, Hashable, CustomStringConvertible {
  /// The IPv4 address, e.g. `0x7F00_0001` for 127.0.0.1.
  public var address: UInt32
  /// The TCP port.
  public var port: UInt16

  /// An endpoint.
  public init(address: UInt32, port: UInt16) {
    self.address = address
    self.port = port
  }

  /// The address's four bytes, most significant first.
  public var addressBytes: [UInt8] {
    [UInt8(address >> 24), UInt8((address >> 16) & 0xFF), UInt8((address >> 8) & 0xFF), UInt8(address & 0xFF)]
  }

  /// The Ethernet address: `02:00:` and the IPv4 address (locally administered, unicast).
  public var macAddress: [UInt8] { [0x02, 0x00] + addressBytes }

  /// `127.0.0.1` for 0x7F000001.
  public static func dotted(_ address: UInt32) -> String {
    TCPEndpoint(address: address, port: 0).addressBytes.map(String.init).joined(separator: ".")
  }

  /// `127.0.0.1:49152`.
  public var description: String { "\(Self.dotted(address)):\(port)" }
}
