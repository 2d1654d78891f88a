import GRPCCore
import Synchronization

/// go-plugin's `plugin.GRPCBroker` (docs/protocol.md §5.4), minimal: accepts the host's stream and
/// records the `ConnInfo` it announces, without brokering extra connections.
///
/// A Go host opens `StartStream` right after connecting and ignores errors; answering it (rather
/// than `UNIMPLEMENTED`) keeps host logs clean. Plugins that need the host's callback servers
/// (bidirectional plugins) need a full broker, which this library does not provide.
public final class BrokerService: Plugin_GRPCBroker.SimpleServiceProtocol, Sendable {
  private let signal: ShutdownSignal
  private let announced = Mutex<[Plugin_ConnInfo]>([])

  /// Creates the service; the stream ends when `signal` fires or the host closes its side.
  public init(signal: ShutdownSignal) {
    self.signal = signal
  }

  /// Connection offers the host sent so far.
  public var received: [Plugin_ConnInfo] { announced.withLock { $0 } }

  private func record(_ info: Plugin_ConnInfo) {
    announced.withLock { $0.append(info) }
  }

  /// Reads the host's offers until the host closes the stream or the plugin shuts down.
  public func startStream(
    request: RPCAsyncSequence<Plugin_ConnInfo, any Error>, response: RPCWriter<Plugin_ConnInfo>,
    context: ServerContext
  ) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        for try await info in request { self.record(info) }
      }
      group.addTask { [signal] in await signal.wait() }
      _ = try await group.next()
      group.cancelAll()
    }
  }
}
