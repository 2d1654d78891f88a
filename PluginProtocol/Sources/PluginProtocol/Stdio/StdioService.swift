import GRPCCore
import SwiftProtobuf
import Synchronization

/// go-plugin's `plugin.GRPCStdio` (docs/protocol.md §5.2): streams data written with `send` to the host.
///
/// A plugin written outside Go has no redirected stdout to forward, so by default the stream
/// stays open and silent until the host cancels it or the plugin shuts down — what go-plugin's
/// Python example does. The stream ends cleanly on shutdown so it never delays the exit.
public final class StdioService: Plugin_GRPCStdio.SimpleServiceProtocol, Sendable {
  private let signal: ShutdownSignal
  private let pending: Mutex<(buffer: [Plugin_StdioData], reader: AsyncStream<Plugin_StdioData>.Continuation?)>

  /// Creates the service; it ends its stream when `signal` fires.
  public init(signal: ShutdownSignal) {
    self.signal = signal
    self.pending = Mutex(([], nil))
  }

  /// Queues bytes for the host on the given channel (kept until the host starts reading).
  public func send(_ data: [UInt8], channel: Plugin_StdioData.Channel) {
    var message = Plugin_StdioData()
    message.channel = channel
    message.data = .init(data)
    pending.withLock { state in
      if let reader = state.reader { reader.yield(message) } else { state.buffer.append(message) }
    }
  }

  /// Streams queued and future data until shutdown or cancellation.
  public func streamStdio(
    request: Google_Protobuf_Empty, response: RPCWriter<Plugin_StdioData>, context: ServerContext
  ) async throws {
    let (stream, continuation) = AsyncStream<Plugin_StdioData>.makeStream()
    let backlog = pending.withLock { state -> [Plugin_StdioData] in
      state.reader?.finish()
      state.reader = continuation
      defer { state.buffer.removeAll() }
      return state.buffer
    }
    for message in backlog { try await response.write(message) }
    try await withThrowingTaskGroup(of: Void.self) { group in
      group.addTask {
        for await message in stream { try await response.write(message) }
      }
      group.addTask { [signal] in await signal.wait() }
      _ = try await group.next()
      group.cancelAll()
    }
    continuation.finish()
  }
}
