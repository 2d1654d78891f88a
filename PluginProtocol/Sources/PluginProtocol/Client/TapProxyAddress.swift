import Relay

extension TapProxy.Address {
  /// A plugin's announced address as a relay address: tcp `host:port` (an empty host is
  /// 127.0.0.1, brackets removed) or a unix socket path.
  public init(network: HandshakeLine.Network, address: String) {
    switch network {
    case .tcp:
      let tcp = TCPAddress(address)
      self = .tcp(host: tcp?.dialHost ?? address, port: tcp?.port ?? 0)
    case .unix:
      self = .unix(path: address)
    }
  }
}
