import Traffic

/// One relayed connection as a TCP conversation between a host endpoint and a plugin endpoint:
/// the segments of its three-way handshake, its data and its close, with sequence and
/// acknowledgment numbers that follow on from each other.
///
/// Every data segment is acknowledged at once by the other side, so no more than one segment
/// is ever unacknowledged and a 65535-byte window (no window scaling) is always enough.
public struct TCPFlow: Sendable {
  /// Where the state of the flow is.
  public enum State: Sendable, Hashable {
    /// No segment yet.
    case new
    /// The handshake is done; data may flow.
    case established
    /// Both sides sent FIN and it was acknowledged.
    case closed
  }

  /// The host (client) side.
  public let host: TCPEndpoint
  /// The plugin (server) side.
  public let plugin: TCPEndpoint
  /// Where the flow is.
  public private(set) var state = State.new
  /// Next sequence number each side sends.
  private var nextSequence: [Direction: UInt32]
  /// Next IPv4 identification each side uses.
  private var nextIdentification: [Direction: UInt16] = [.hostToPlugin: 1, .pluginToHost: 1]

  /// A flow whose sides start at the initial sequence numbers given.
  public init(host: TCPEndpoint, plugin: TCPEndpoint, hostInitialSequence: UInt32, pluginInitialSequence: UInt32) {
    self.host = host
    self.plugin = plugin
    nextSequence = [.hostToPlugin: hostInitialSequence, .pluginToHost: pluginInitialSequence]
  }

  /// The next sequence number the side sending in `direction` uses.
  public func sequence(_ direction: Direction) -> UInt32 { nextSequence[direction] ?? 0 }

  /// SYN from the host, SYN-ACK from the plugin, ACK from the host.
  public mutating func open() -> [TCPSegment] {
    guard state == .new else { return [] }
    state = .established
    return [
      segment(.hostToPlugin, flags: [.syn]),
      segment(.pluginToHost, flags: [.syn, .ack]),
      segment(.hostToPlugin, flags: [.ack]),
    ]
  }

  /// `bytes` sent in `direction`, split into segments of at most `maximumSegmentSize` bytes
  /// (PSH on the last), each acknowledged by the other side. Opens the flow first if needed.
  public mutating func send(_ bytes: [UInt8], _ direction: Direction, maximumSegmentSize: Int) -> [TCPSegment] {
    guard state != .closed, !bytes.isEmpty else { return [] }
    var segments = open()
    let size = max(1, min(maximumSegmentSize, TCPSegment.maximumPayload))
    var start = bytes.startIndex
    while start < bytes.endIndex {
      let end = min(start + size, bytes.endIndex)
      segments.append(
        segment(direction, flags: end == bytes.endIndex ? [.psh, .ack] : [.ack], payload: bytes[start..<end]))
      segments.append(segment(direction.reversed, flags: [.ack]))
      start = end
    }
    return segments
  }

  /// FIN-ACK from the host, FIN-ACK from the plugin, the host's last ACK. Nothing for a flow
  /// that never opened or is closed already.
  public mutating func close() -> [TCPSegment] {
    guard state == .established else { return [] }
    state = .closed
    return [
      segment(.hostToPlugin, flags: [.fin, .ack]),
      segment(.pluginToHost, flags: [.fin, .ack]),
      segment(.hostToPlugin, flags: [.ack]),
    ]
  }

  /// The next segment sent in `direction`; advances that side's sequence number by what it uses.
  private mutating func segment(
    _ direction: Direction, flags: TCPSegment.Flags, payload: ArraySlice<UInt8> = []
  ) -> TCPSegment {
    let (source, destination) = direction == .hostToPlugin ? (host, plugin) : (plugin, host)
    // A bare SYN acknowledges nothing; everything after it acknowledges all the other side sent.
    let acknowledges = flags.contains(.ack)
    let identification = nextIdentification[direction, default: 1]
    nextIdentification[direction] = identification &+ 1
    let segment = TCPSegment(
      source: source, destination: destination, sequence: sequence(direction),
      acknowledgment: acknowledges ? sequence(direction.reversed) : 0, flags: flags, identification: identification,
      payload: payload)
    nextSequence[direction] = sequence(direction) &+ segment.sequenceLength
    return segment
  }
}
