import NIOCore
import Synchronization

/// Thread-safe bookkeeping of the proxy's connections: ids and open channels.
final class ConnectionTable: Sendable {
  private struct State {
    var nextID = 1
    var channels: [Int: [any Channel]] = [:]
    var closing = false
  }

  private let state = Mutex(State())
  /// Connections relayed at once; more are refused (closed) until one ends.
  let limit: Int

  init(limit: Int = TapProxy.defaultConnectionLimit) {
    self.limit = limit
  }

  /// A new connection id, or nil when the proxy is closing or already relays `limit`
  /// connections (the caller closes the channel).
  func register(_ channel: any Channel) -> Int? {
    state.withLock { state in
      guard !state.closing, state.channels.count < limit else { return nil }
      let id = state.nextID
      state.nextID += 1
      state.channels[id] = [channel]
      return id
    }
  }

  /// Tracks another channel of connection `id`; false when the proxy is closing.
  func add(_ channel: any Channel, to id: Int) -> Bool {
    state.withLock { state in
      guard !state.closing else { return false }
      state.channels[id, default: []].append(channel)
      return true
    }
  }

  /// Forgets connection `id`.
  func remove(_ id: Int) {
    state.withLock { _ = $0.channels.removeValue(forKey: id) }
  }

  /// Refuses new connections and returns every tracked channel.
  func beginClosing() -> [any Channel] {
    state.withLock { state in
      state.closing = true
      return state.channels.values.flatMap { $0 }
    }
  }

  /// Connections currently tracked.
  var activeCount: Int { state.withLock { $0.channels.count } }
}
