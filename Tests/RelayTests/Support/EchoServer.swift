import NIOCore
import NIOPosix

/// Echoes every byte back; on EOF it half-closes after flushing, then closes.
final class EchoHandler: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    context.write(data, promise: nil)
  }

  func channelReadComplete(context: ChannelHandlerContext) {
    context.flush()
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if let event = event as? ChannelEvent, case .inputClosed = event {
      context.flush()
      let promise = context.eventLoop.makePromise(of: Void.self)
      context.close(mode: .output, promise: promise)
      promise.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
    context.fireUserInboundEventTriggered(event)
  }
}

/// Accepts connections and never reads from them (to test back-pressure).
final class StallHandler: ChannelInboundHandler {
  typealias InboundIn = ByteBuffer

  func read(context: ChannelHandlerContext) {}
}

/// A TCP server on 127.0.0.1 with a free port.
struct TestServer {
  let channel: any Channel
  var port: Int { channel.localAddress?.port ?? 0 }

  static func echo() async throws -> TestServer {
    try await start { EchoHandler() }
  }

  static func stalled() async throws -> TestServer {
    try await start(autoRead: false) { StallHandler() }
  }

  static func start(autoRead: Bool = true, _ makeHandler: @escaping @Sendable () -> any ChannelHandler) async throws
    -> TestServer
  {
    let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.allowRemoteHalfClosure, value: true)
      .childChannelOption(.autoRead, value: autoRead)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
          try channel.pipeline.syncOperations.addHandler(makeHandler())
        }
      }
      .bind(host: "127.0.0.1", port: 0).get()
    return TestServer(channel: channel)
  }

  func close() async {
    try? await channel.close()
  }
}

/// Connects an async client channel that can half-close its output.
func connectClient(_ address: SocketAddress) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
  try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
    .channelOption(.allowRemoteHalfClosure, value: true)
    .connect(to: address) { channel in
      channel.eventLoop.makeCompletedFuture {
        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(
          wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
      }
    }
}

/// Writes `payload` in chunks, half-closes, and returns everything read until EOF.
func exchange(_ client: NIOAsyncChannel<ByteBuffer, ByteBuffer>, _ payload: [UInt8], chunk: Int = 64 * 1024)
  async throws -> [UInt8]
{
  try await client.executeThenClose { inbound, outbound in
    try await withThrowingTaskGroup(of: [UInt8]?.self) { group in
      group.addTask {
        var offset = 0
        while offset < payload.count {
          let end = min(offset + chunk, payload.count)
          try await outbound.write(ByteBuffer(bytes: payload[offset..<end]))
          offset = end
        }
        outbound.finish()
        return nil
      }
      group.addTask {
        var received: [UInt8] = []
        for try await buffer in inbound {
          received += buffer.readableBytesView
        }
        return received
      }
      var result: [UInt8] = []
      for try await value in group {
        if let value { result = value }
      }
      return result
    }
  }
}
