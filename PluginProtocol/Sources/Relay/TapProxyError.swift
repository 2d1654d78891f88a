/// Why the tap proxy could not start.
public enum TapProxyError: Error, Sendable, Hashable, CustomStringConvertible {
  /// Binding the listen address failed.
  case listenFailed(address: String, reason: String)

  /// What happened, why, and what to do.
  public var description: String {
    switch self {
    case .listenFailed(let address, let reason):
      "the tap proxy could not listen on \(address): \(reason). Another process may hold the port or socket path; pick another address (tcp port 0 picks a free one)."
    }
  }
}
