import NIOCore
import NIOHTTP2

/// Sits just below grpc-swift's HTTP/2 handler and answers the peer's PINGs itself (`PingAnswerer`),
/// so a grpc-go peer's per-call BDP PINGs never trip swift-nio-http2's control-frame limit; it
/// also counts what the peer sent (`ConnectionTraffic`).
final class PingAnswerHandler: ChannelDuplexHandler, RemovableChannelHandler {
  typealias InboundIn = ByteBuffer
  typealias InboundOut = ByteBuffer
  typealias OutboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  private var answerer: PingAnswerer
  private let traffic: ConnectionTraffic?

  init(afterClientPreface: Bool, traffic: ConnectionTraffic?) {
    answerer = PingAnswerer(afterClientPreface: afterClientPreface)
    self.traffic = traffic
  }

  func handlerAdded(context: ChannelHandlerContext) {
    if context.channel.isActive { traffic?.connected() }
  }

  func channelActive(context: ChannelHandlerContext) {
    traffic?.connected()
    context.fireChannelActive()
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    var answered = false
    let bytes = unwrapInboundIn(data)
    traffic?.received(bytes.readableBytes)
    for piece in answerer.feed(bytes) {
      switch piece {
      case .forward(let bytes):
        context.fireChannelRead(wrapInboundOut(bytes))
      case .answer(let payload):
        context.write(wrapOutboundOut(ByteBuffer(bytes: PingAnswerer.ack(payload))), promise: nil)
        answered = true
      }
    }
    if answered { context.flush() }
  }

  /// Installs the handler in front of the channel's HTTP/2 handler (after TLS, if any).
  static func install(
    in channel: any Channel, afterClientPreface: Bool, traffic: ConnectionTraffic? = nil
  ) -> EventLoopFuture<Void> {
    channel.eventLoop.makeCompletedFuture {
      let sync = channel.pipeline.syncOperations
      let handler = PingAnswerHandler(afterClientPreface: afterClientPreface, traffic: traffic)
      if let http2 = try? sync.handler(type: NIOHTTP2Handler.self) {
        try sync.addHandler(handler, position: .before(http2))
      } else {
        try sync.addHandler(handler, position: .first)
      }
    }
  }
}
