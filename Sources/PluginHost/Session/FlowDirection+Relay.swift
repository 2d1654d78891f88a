import Capture
import Relay
import WireTap

extension FlowDirection {
  /// The capture's direction of a chunk the relay reported.
  init(_ relayed: TapProxy.Direction) {
    switch relayed {
    case .hostToPlugin: self = .hostToPlugin
    case .pluginToHost: self = .pluginToHost
    }
  }
}

extension Direction {
  /// The decoder's direction of a chunk the capture recorded.
  init(_ flow: FlowDirection) {
    switch flow {
    case .hostToPlugin: self = .hostToPlugin
    case .pluginToHost: self = .pluginToHost
    }
  }
}
