import Foundation

/// Turns what a relay saw into pcapng that Wireshark and tshark dissect: a section header, one
/// Ethernet interface, and per relay connection one TCP flow with synthesized Ethernet, IPv4 and
/// TCP headers (handshake at the open, acknowledged data segments, FINs at the close) carrying the
/// relayed bytes, stamped with the times the relay saw them.
///
/// A pure state machine: events in, bytes to append to the file out; the first output begins
/// with the Section Header and Interface Description Blocks. The host side of connection N is
/// 127.0.0.1 with a port of its own; the plugin side is 127.0.0.2 at `decodePort` (the first
/// relay's plugin TCP port, else `defaultPluginPort`), the port to give tshark:
/// `tshark -r FILE -d tcp.port==PORT,http2`. `run` feeds it from its relay; so can `wrap`.
public struct CaptureRecorder: Sendable {
  /// The address standing for the side that connected to the relay (the host): 127.0.0.1.
  public static let hostAddress: UInt32 = 0x7F00_0001
  /// The address standing for the plugin: 127.0.0.2.
  public static let pluginAddress: UInt32 = 0x7F00_0002
  /// The plugin's port when it has no TCP port (a unix socket): gRPC's customary port.
  public static let defaultPluginPort: UInt16 = 50051
  /// The host side's first port; each connection takes the next (wrapping in 49152…65535).
  public static let firstHostPort: UInt16 = 49152
  /// Default largest segment payload: relayed chunks are split at 16 KiB.
  public static let defaultSegmentSize = 16 * 1024
  /// The interface's snapshot length (every packet is captured whole).
  public static let snapLength: UInt32 = 262_144

  /// Written as `shb_userappl`.
  public let application: String
  /// Largest payload of one segment (at most `TCPSegment.maximumPayload`).
  public let maximumSegmentSize: Int
  /// What has been written so far.
  public private(set) var counts = CaptureCounts()
  /// Relays described so far (`relayStarted`).
  public private(set) var relayCount = 0
  /// The port standing for the plugin, fixed when the header is written.
  private var pluginPort: UInt16?
  private var relay: CaptureRelay?
  private var flows: [Int: TCPFlow] = [:]
  private var nextHostPort = firstHostPort

  /// A recorder; nothing is written until the first relay, event or `finish`.
  public init(application: String = "plugin-dev", maximumSegmentSize: Int = defaultSegmentSize) {
    self.application = application
    self.maximumSegmentSize = max(1, min(maximumSegmentSize, TCPSegment.maximumPayload))
  }

  /// The port that stands for the plugin: what to give tshark (`-d tcp.port==PORT,http2`).
  public var decodePort: UInt16 { pluginPort ?? Self.port(of: relay) }

  /// Whether the header (section and interface) has been written.
  public var hasHeader: Bool { pluginPort != nil }

  /// A new relay (a start of the plugin): closes the flows of the one before, and describes the
  /// interface when it is the first.
  public mutating func relayStarted(_ relay: CaptureRelay, at time: Date) -> [UInt8] {
    var bytes = relayEnded(at: time)
    relayCount += 1
    self.relay = relay
    bytes += header()
    return bytes
  }

  /// Records one event; bytes of a connection not opened open it first.
  public mutating func record(_ event: CaptureEvent) -> [UInt8] {
    var bytes = header()
    switch event {
    case .opened(let id, let time):
      guard flows[id] == nil else { return bytes }
      var flow = newFlow()
      bytes += packets(flow.open(), at: time, synComment: comment(connection: id, flow))
      flows[id] = flow
    case .bytes(let id, let direction, let chunk, let time):
      var flow = flows[id] ?? newFlow()
      let comment = flow.state == .new ? comment(connection: id, flow) : nil
      bytes += packets(
        flow.send(chunk, direction, maximumSegmentSize: maximumSegmentSize), at: time, synComment: comment)
      if flow.state == .established { counts.payloadBytes += chunk.count }
      flows[id] = flow
    case .closed(let id, let time):
      guard var flow = flows.removeValue(forKey: id) else { return bytes }
      bytes += packets(flow.close(), at: time)
    }
    return bytes
  }

  /// The relay stopped: closes its flows still open (in connection order).
  public mutating func relayEnded(at time: Date) -> [UInt8] {
    var bytes: [UInt8] = []
    for id in flows.keys.sorted() {
      guard var flow = flows.removeValue(forKey: id) else { continue }
      bytes += packets(flow.close(), at: time)
    }
    return bytes
  }

  /// The end of the capture: closes the open flows; writes the header if nothing was written,
  /// so even an empty capture is a valid file.
  public mutating func finish(at time: Date) -> [UInt8] {
    header() + relayEnded(at: time)
  }

  /// What the interface stands for (`if_description`).
  public var interfaceDescription: String {
    let port = decodePort
    let host = relay?.host ?? "the side that connected to the relay (the gRPC client)"
    let plugin = relay?.plugin ?? "the plugin (the gRPC server)"
    let tcp = relay?.pluginTCPPort != nil ? "" : " (its socket mapped to this port)"
    let decrypted = relay?.decrypted == true ? ", decrypted: the relay ends the plugin's AutoMTLS TLS" : ""
    return "\(application) relay: 127.0.0.1 (a port per connection) is \(host); 127.0.0.2:\(port) is \(plugin)\(tcp). "
      + "Ethernet, IPv4 and TCP headers are synthesized; the TCP payload is the bytes the relay forwarded\(decrypted). "
      + "Decode as HTTP/2 with: -d tcp.port==\(port),http2"
  }

  // MARK: - Writing

  private mutating func header() -> [UInt8] {
    guard pluginPort == nil else { return [] }
    pluginPort = Self.port(of: relay)
    var bytes = PcapngBlock.sectionHeader(options: [.init(code: PcapngBlock.Option.userApplication, text: application)])
    bytes += PcapngBlock.interfaceDescription(
      snapLength: Self.snapLength,
      options: [
        .init(code: PcapngBlock.Option.interfaceName, text: "\(application)-relay"),
        .init(code: PcapngBlock.Option.interfaceDescription, text: interfaceDescription),
        .init(code: PcapngBlock.Option.timestampResolution, value: [6]),
      ])
    return bytes
  }

  private static func port(of relay: CaptureRelay?) -> UInt16 {
    guard let port = relay?.pluginTCPPort, let value = UInt16(exactly: port), value > 0 else {
      return defaultPluginPort
    }
    return value
  }

  private mutating func newFlow() -> TCPFlow {
    counts.connections += 1
    var port = nextHostPort
    if port == decodePort { port = port == .max ? Self.firstHostPort : port + 1 }
    nextHostPort = port == .max ? Self.firstHostPort : port + 1
    // Initial sequence numbers differ per flow (as a real stack's would); Wireshark shows them relative.
    let n = UInt32(truncatingIfNeeded: counts.connections)
    return TCPFlow(
      host: TCPEndpoint(address: Self.hostAddress, port: port),
      plugin: TCPEndpoint(address: Self.pluginAddress, port: decodePort),
      hostInitialSequence: n &* 0x9E37_79B9, pluginInitialSequence: n &* 0x85EB_CA6B &+ 0x1000)
  }

  private func comment(connection id: Int, _ flow: TCPFlow) -> String {
    let relayNumber = relayCount > 1 ? " (relay \(relayCount))" : ""
    guard let relay else { return "relay connection \(id)\(relayNumber)" }
    return "relay connection \(id)\(relayNumber): \(flow.host) is \(relay.host); \(flow.plugin) is \(relay.plugin)"
  }

  private mutating func packets(_ segments: [TCPSegment], at time: Date, synComment: String? = nil) -> [UInt8] {
    let timestamp = PcapngBlock.microseconds(since1970: time.timeIntervalSince1970)
    var bytes: [UInt8] = []
    for segment in segments {
      let options: [PcapngBlock.Option] =
        segment.flags.contains(.syn) && !segment.flags.contains(.ack)
        ? synComment.map { [.init(code: PcapngBlock.Option.comment, text: $0)] } ?? [] : []
      bytes += PcapngBlock.enhancedPacket(timestamp: timestamp, packet: segment.ethernetFrame, options: options)
    }
    counts.packets += segments.count
    return bytes
  }
}
