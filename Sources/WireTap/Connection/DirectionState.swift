import NIOCore
import NIOHPACK
import Traffic

/// Per-direction decoding state: framing, HPACK and any header block awaiting CONTINUATION.
struct DirectionState: Sendable {
  /// A HEADERS or PUSH_PROMISE block still waiting for CONTINUATION frames.
  struct PendingHeaderBlock: Sendable {
    enum Origin: Sendable {
      case headers(endStream: Bool)
      case pushPromise(promisedStreamID: UInt32)
    }
    var streamID: UInt32
    var origin: Origin
    var fragment: [UInt8]
  }

  var parser: HTTP2FrameParser
  /// Decodes header blocks *sent* in this direction; its table limit follows the SETTINGS
  /// of the *receiving* side.
  var hpack: HPACKDecoder
  var pendingBlock: PendingHeaderBlock?
  /// PING / SETTINGS / PRIORITY frames sent in this direction during the last 30 s.
  var controlFrames = ControlFrameWindow()

  init(direction: Direction, maxHeaderListSize: Int) {
    parser = HTTP2FrameParser(expectsClientPreface: direction == .hostToPlugin)
    hpack = HPACKDecoder(
      allocator: ByteBufferAllocator(), maxDynamicTableSize: HPACKDecoder.maxDynamicTableSize,
      maxHeaderListSize: maxHeaderListSize)
  }
}
