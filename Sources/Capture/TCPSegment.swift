/// One synthesized TCP segment, and the Ethernet frame (Ethernet II, IPv4, TCP) that carries it
/// with correct IPv4 header and TCP checksums.
public struct TCPSegment: Sendable, Hashable {
  /// TCP header flags.
  public struct Flags: OptionSet, Sendable, Hashable {
    /// The bits of the flags byte.
    public let rawValue: UInt8
    /// Creates flags from their bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// No more data from the sender.
    public static let fin = Flags(rawValue: 0x01)
    /// Synchronise sequence numbers (opening).
    public static let syn = Flags(rawValue: 0x02)
    /// Reset the connection.
    public static let rst = Flags(rawValue: 0x04)
    /// Push: hand the data to the application.
    public static let psh = Flags(rawValue: 0x08)
    /// The acknowledgment number is valid.
    public static let ack = Flags(rawValue: 0x10)
  }

  /// Bytes of Ethernet II header.
  public static let ethernetHeaderLength = 14
  /// Bytes of IPv4 header (no options).
  public static let ipv4HeaderLength = 20
  /// Bytes of TCP header (no options).
  public static let tcpHeaderLength = 20
  /// Most payload one segment can carry: an IPv4 packet is at most 65535 bytes.
  public static let maximumPayload = Int(UInt16.max) - ipv4HeaderLength - tcpHeaderLength

  /// The sender.
  public var source: TCPEndpoint
  /// The receiver.
  public var destination: TCPEndpoint
  /// Sequence number of the first payload byte (or of the SYN/FIN).
  public var sequence: UInt32
  /// Next sequence number expected from the receiver (valid with `.ack`).
  public var acknowledgment: UInt32
  /// Header flags.
  public var flags: Flags
  /// Advertised receive window.
  public var window: UInt16
  /// The IPv4 identification field.
  public var identification: UInt16
  /// The data: at most `maximumPayload` bytes (`TCPFlow` splits larger chunks).
  public var payload: ArraySlice<UInt8>

  /// A segment.
  public init(
    source: TCPEndpoint, destination: TCPEndpoint, sequence: UInt32, acknowledgment: UInt32, flags: Flags,
    window: UInt16 = .max, identification: UInt16 = 0, payload: ArraySlice<UInt8> = []
  ) {
    self.source = source
    self.destination = destination
    self.sequence = sequence
    self.acknowledgment = acknowledgment
    self.flags = flags
    self.window = window
    self.identification = identification
    self.payload = payload
  }

  /// How much sequence space the segment uses: its payload, plus one for SYN and one for FIN.
  public var sequenceLength: UInt32 {
    UInt32(payload.count) + (flags.contains(.syn) ? 1 : 0) + (flags.contains(.fin) ? 1 : 0)
  }

  /// The whole frame: Ethernet II (IPv4), IPv4 (don't fragment, TTL 64), TCP, payload.
  public var ethernetFrame: [UInt8] {
    var frame: [UInt8] = []
    frame.reserveCapacity(Self.ethernetHeaderLength + Self.ipv4HeaderLength + Self.tcpHeaderLength + payload.count)
    frame.append(contentsOf: destination.macAddress)
    frame.append(contentsOf: source.macAddress)
    frame.appendBigEndian(UInt16(0x0800))
    frame.append(contentsOf: ipv4Header)
    frame.append(contentsOf: tcpHeader)
    frame.append(contentsOf: payload)
    return frame
  }

  /// The IPv4 header with its checksum.
  public var ipv4Header: [UInt8] {
    var header: [UInt8] = [0x45, 0x00]  // version 4, 5 words; no DSCP/ECN
    header.appendBigEndian(UInt16(clamping: Self.ipv4HeaderLength + Self.tcpHeaderLength + payload.count))
    header.appendBigEndian(identification)
    header.appendBigEndian(UInt16(0x4000))  // don't fragment, offset 0
    header.append(contentsOf: [64, 6])  // TTL, protocol TCP
    header.appendBigEndian(UInt16(0))  // checksum, filled below
    header.append(contentsOf: source.addressBytes)
    header.append(contentsOf: destination.addressBytes)
    let checksum = InternetChecksum.of(header)
    header[10] = UInt8(checksum >> 8)
    header[11] = UInt8(checksum & 0xFF)
    return header
  }

  /// The TCP header with its checksum (over the IPv4 pseudo-header, the header and the payload).
  public var tcpHeader: [UInt8] {
    var header: [UInt8] = []
    header.appendBigEndian(source.port)
    header.appendBigEndian(destination.port)
    header.appendBigEndian(sequence)
    header.appendBigEndian(flags.contains(.ack) ? acknowledgment : 0)
    header.append(UInt8(Self.tcpHeaderLength / 4) << 4)
    header.append(flags.rawValue)
    header.appendBigEndian(window)
    header.appendBigEndian(UInt16(0))  // checksum, filled below
    header.appendBigEndian(UInt16(0))  // urgent pointer
    var checksum = InternetChecksum()
    checksum.add(source.addressBytes)
    checksum.add(destination.addressBytes)
    checksum.add(word: 6)
    checksum.add(word: UInt16(clamping: Self.tcpHeaderLength + payload.count))
    checksum.add(header)
    checksum.add(payload)
    let value = checksum.value
    header[16] = UInt8(value >> 8)
    header[17] = UInt8(value & 0xFF)
    return header
  }
}
