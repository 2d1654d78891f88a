/// The pcapng blocks a capture is made of (the IETF pcapng draft, section 4), written
/// little-endian: a Section Header Block, Interface Description Blocks and Enhanced Packet Blocks.
///
/// Every block is `type, total length, body, total length`, its body padded to 32 bits; options
/// are `code, length, value` padded to 32 bits and ended by `opt_endofopt`.
public enum PcapngBlock {
  /// Section Header Block type; its bytes read the same in either byte order.
  public static let sectionHeaderType: UInt32 = 0x0A0D_0D0A
  /// Interface Description Block type.
  public static let interfaceDescriptionType: UInt32 = 1
  /// Enhanced Packet Block type.
  public static let enhancedPacketType: UInt32 = 6
  /// The byte-order magic in the Section Header Block.
  public static let byteOrderMagic: UInt32 = 0x1A2B_3C4D
  /// Link type Ethernet (LINKTYPE_ETHERNET).
  public static let linkTypeEthernet: UInt16 = 1

  /// One block option: a code and its value.
  public struct Option: Sendable, Hashable {
    /// `opt_comment` (any block): UTF-8 text.
    public static let comment: UInt16 = 1
    /// `shb_userappl`: the application that wrote the section.
    public static let userApplication: UInt16 = 4
    /// `if_name`: the interface's name.
    public static let interfaceName: UInt16 = 2
    /// `if_description`: what the interface is.
    public static let interfaceDescription: UInt16 = 3
    /// `if_tsresol`: timestamp resolution (6: microseconds, the default).
    public static let timestampResolution: UInt16 = 9

    /// The option code (its meaning depends on the block).
    public var code: UInt16
    /// The value, unpadded.
    public var value: [UInt8]

    /// An option with raw bytes.
    public init(code: UInt16, value: [UInt8]) {
      self.code = code
      self.value = value
    }

    /// An option with UTF-8 text.
    public init(code: UInt16, text: String) {
      self.init(code: code, value: Array(text.utf8))
    }
  }

  /// The Section Header Block (version 1.0, section length unknown).
  public static func sectionHeader(options: [Option] = []) -> [UInt8] {
    var body: [UInt8] = []
    body.appendLittleEndian(byteOrderMagic)
    body.appendLittleEndian(UInt16(1))
    body.appendLittleEndian(UInt16(0))
    body.appendLittleEndian(UInt64.max)  // section length: not given (-1)
    append(options, to: &body)
    return block(type: sectionHeaderType, body: body)
  }

  /// An Interface Description Block (interfaces are numbered from 0 in their order in the section).
  public static func interfaceDescription(
    linkType: UInt16 = linkTypeEthernet, snapLength: UInt32, options: [Option] = []
  ) -> [UInt8] {
    var body: [UInt8] = []
    body.appendLittleEndian(linkType)
    body.appendLittleEndian(UInt16(0))
    body.appendLittleEndian(snapLength)
    append(options, to: &body)
    return block(type: interfaceDescriptionType, body: body)
  }

  /// An Enhanced Packet Block: `packet` captured whole on `interface` at `timestamp` (in units of
  /// the interface's resolution since the epoch; microseconds by default).
  public static func enhancedPacket(
    interface: UInt32 = 0, timestamp: UInt64, packet: [UInt8], options: [Option] = []
  ) -> [UInt8] {
    var body: [UInt8] = []
    body.reserveCapacity(20 + packet.count + 3)
    body.appendLittleEndian(interface)
    body.appendLittleEndian(UInt32(truncatingIfNeeded: timestamp >> 32))
    body.appendLittleEndian(UInt32(truncatingIfNeeded: timestamp))
    body.appendLittleEndian(UInt32(packet.count))  // captured length
    body.appendLittleEndian(UInt32(packet.count))  // original length
    body.append(contentsOf: packet)
    body.padToFourBytes()
    append(options, to: &body)
    return block(type: enhancedPacketType, body: body)
  }

  /// Microseconds since the epoch, the Enhanced Packet Block timestamp at the default resolution.
  public static func microseconds(since1970 seconds: Double) -> UInt64 {
    seconds <= 0 ? 0 : UInt64((seconds * 1_000_000).rounded())
  }

  private static func append(_ options: [Option], to body: inout [UInt8]) {
    guard !options.isEmpty else { return }
    for option in options {
      body.appendLittleEndian(option.code)
      body.appendLittleEndian(UInt16(min(option.value.count, Int(UInt16.max))))
      body.append(contentsOf: option.value.prefix(Int(UInt16.max)))
      body.padToFourBytes()
    }
    body.appendLittleEndian(UInt32(0))  // opt_endofopt
  }

  private static func block(type: UInt32, body: [UInt8]) -> [UInt8] {
    let total = UInt32(12 + body.count)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(Int(total))
    bytes.appendLittleEndian(type)
    bytes.appendLittleEndian(total)
    bytes.append(contentsOf: body)
    bytes.appendLittleEndian(total)
    return bytes
  }
}
