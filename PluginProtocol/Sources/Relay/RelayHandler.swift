import NIOCore
import Traffic

/// Glues one channel of a relayed connection to its partner: what this channel reads is
/// reported and written to the partner. Reading pauses while the partner is not writable
/// (back-pressure), EOF becomes a half-close of the partner's output, and a closed channel
/// closes its partner once pending writes are flushed.
final class RelayHandler: ChannelDuplexHandler {
  typealias InboundIn = ByteBuffer
  typealias OutboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  /// Set before the handler is added; cleared when it is removed (breaks the cycle).
  var partner: RelayHandler?
  private let connection: RelayConnection
  /// Direction of the bytes this handler reads.
  private let direction: Direction
  private var context: ChannelHandlerContext?
  private var pendingRead = false
  /// Whether the partner channel exists and is connected.
  private var partnerReady: Bool
  private var inputClosed = false
  /// Bytes and EOF read before the partner connected. NIO reads what is left in the socket
  /// when it sees EOF even while reads are paused, so a quick client's request and
  /// half-close can arrive before the target is dialled; they are held, not dropped.
  private var held: [ByteBuffer] = []
  private var heldEOF = false
  /// Chunks read and forwarded but not reported yet: they are reported after the flush, so the
  /// copy and the hand-off to the decoder are not on the forwarded bytes' way.
  private var unreported: [[UInt8]] = []
  private var outputShutdown: OutputShutdown = .open
  private var closeWhenFlushed = false

  private enum OutputShutdown {
    case open, pending, done
  }

  init(connection: RelayConnection, reads direction: Direction) {
    self.connection = connection
    self.direction = direction
    // The host side waits for the dialled plugin side; the plugin side's partner exists.
    self.partnerReady = direction == .pluginToHost
  }

  // MARK: Lifecycle

  func handlerAdded(context: ChannelHandlerContext) {
    self.context = context
    if direction == .pluginToHost, context.channel.isActive {
      connection.pluginSideActive(hostSide: partner)
    }
  }

  func handlerRemoved(context: ChannelHandlerContext) {
    self.context = nil
    self.partner = nil
  }

  func channelActive(context: ChannelHandlerContext) {
    if direction == .pluginToHost {
      connection.pluginSideActive(hostSide: partner)
    }
    context.fireChannelActive()
  }

  func channelInactive(context: ChannelHandlerContext) {
    reportUnreported()
    connection.channelClosed(direction)
    partner?.partnerClosed()
    context.fireChannelInactive()
  }

  func errorCaught(context: ChannelHandlerContext, error: any Error) {
    reportUnreported()
    connection.errorCaught(direction, error)
    context.close(promise: nil)
  }

  // MARK: Data

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    let buffer = unwrapInboundIn(data)
    unreported.append(Array(buffer.readableBytesView))
    if partnerReady {
      partner?.partnerWrite(buffer)
    } else {
      held.append(buffer)
    }
  }

  func channelReadComplete(context: ChannelHandlerContext) {
    if partnerReady { partner?.partnerFlush() }
    reportUnreported()
    context.fireChannelReadComplete()
  }

  /// Reports the chunks read so far, in order (before any event that follows them).
  private func reportUnreported() {
    guard !unreported.isEmpty else { return }
    let chunks = unreported
    unreported.removeAll(keepingCapacity: true)
    for chunk in chunks { connection.onBytes(connection.id, direction, chunk) }
  }

  func read(context: ChannelHandlerContext) {
    if partnerReady, partner?.isWritable == true {
      context.read()
    } else {
      pendingRead = true
    }
  }

  func channelWritabilityChanged(context: ChannelHandlerContext) {
    if context.channel.isWritable {
      partner?.partnerBecameWritable()
    }
    context.fireChannelWritabilityChanged()
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    if let event = event as? ChannelEvent, case .inputClosed = event {
      reportUnreported()
      inputClosed = true
      if partnerReady {
        partner?.shutdownOutput(thenClose: false)
      } else {
        heldEOF = true
      }
      closeIfDone()
    }
    context.fireUserInboundEventTriggered(event)
  }

  // MARK: Called by the partner

  private var isWritable: Bool { context?.channel.isWritable ?? false }

  private func partnerWrite(_ buffer: ByteBuffer) {
    context?.write(wrapOutboundOut(buffer), promise: nil)
  }

  private func partnerFlush() {
    context?.flush()
  }

  func partnerBecameReady() {
    partnerReady = true
    if let partner {
      if !held.isEmpty {
        for buffer in held { partner.partnerWrite(buffer) }
        held = []
        partner.partnerFlush()
      }
      if heldEOF {
        heldEOF = false
        partner.shutdownOutput(thenClose: false)
      }
    }
    resumeReading()
  }

  private func partnerBecameWritable() {
    resumeReading()
  }

  private func resumeReading() {
    guard pendingRead, let context else { return }
    pendingRead = false
    context.read()
  }

  /// The partner's channel closed: flush what is pending, then close.
  private func partnerClosed() {
    shutdownOutput(thenClose: true)
  }

  /// Half-closes this channel's output once pending writes are flushed.
  private func shutdownOutput(thenClose: Bool) {
    guard let context else { return }
    if thenClose { closeWhenFlushed = true }
    switch outputShutdown {
    case .pending:
      return
    case .done:
      if closeWhenFlushed { context.close(promise: nil) }
      return
    case .open:
      break
    }
    outputShutdown = .pending
    context.flush()
    let promise = context.eventLoop.makePromise(of: Void.self)
    context.close(mode: .output, promise: promise)
    promise.futureResult.assumeIsolated().whenComplete { [self] result in
      outputShutdown = .done
      if case .failure = result {
        self.context?.close(promise: nil)
        return
      }
      if closeWhenFlushed {
        self.context?.close(promise: nil)
      } else {
        closeIfDone()
      }
    }
  }

  /// Closes the channel once both its input and output are shut.
  private func closeIfDone() {
    if inputClosed, outputShutdown == .done {
      context?.close(promise: nil)
    }
  }
}
