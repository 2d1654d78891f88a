import Traffic

/// What the connection decoder remembers about one open HTTP/2 stream.
struct StreamState: Sendable {
  /// The gRPC method path from the request HEADERS.
  var path: String?
  /// Message reassembly, one per direction.
  var requestAssembler = GRPCMessageAssembler()
  var responseAssembler = GRPCMessageAssembler()
  /// Header blocks seen per direction (0 = none yet; the second one is trailers).
  var requestHeaderBlocks = 0
  var responseHeaderBlocks = 0
  /// `grpc-encoding` per direction, when announced.
  var requestEncoding: String?
  var responseEncoding: String?
  /// Directions that sent END_STREAM.
  var ended: Set<Direction> = []
  /// Whether RST_STREAM was seen.
  var reset = false

  /// Whether nothing more is expected on the stream.
  var isClosed: Bool { reset || ended.count == 2 }

  func headerBlocks(_ direction: Direction) -> Int {
    direction == .hostToPlugin ? requestHeaderBlocks : responseHeaderBlocks
  }

  mutating func countHeaderBlock(_ direction: Direction) {
    if direction == .hostToPlugin { requestHeaderBlocks += 1 } else { responseHeaderBlocks += 1 }
  }

  func encoding(_ direction: Direction) -> String? {
    direction == .hostToPlugin ? requestEncoding : responseEncoding
  }

  mutating func setEncoding(_ encoding: String?, _ direction: Direction) {
    if direction == .hostToPlugin { requestEncoding = encoding } else { responseEncoding = encoding }
  }

  /// Feeds DATA content to the assembler of `direction`.
  mutating func feedMessages(_ bytes: ArraySlice<UInt8>, direction: Direction, endStream: Bool) -> [GRPCMessageAssembler
    .Output]
  {
    direction == .hostToPlugin
      ? requestAssembler.feed(bytes, endStream: endStream)
      : responseAssembler.feed(bytes, endStream: endStream)
  }

  func assembler(_ direction: Direction) -> GRPCMessageAssembler {
    direction == .hostToPlugin ? requestAssembler : responseAssembler
  }
}
