import Relay
import WireTap

extension Direction {
  /// The decoder's direction of a chunk the relay reported (the two modules know nothing of
  /// each other; the host joins them).
  public init(_ relayed: TapProxy.Direction) {
    switch relayed {
    case .hostToPlugin: self = .hostToPlugin
    case .pluginToHost: self = .pluginToHost
    }
  }
}
