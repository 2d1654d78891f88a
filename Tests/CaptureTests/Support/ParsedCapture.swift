import Capture
import Foundation

/// A pcapng file read back block by block, and its packets read back as Ethernet/IPv4/TCP, so the
/// tests check what a reader such as Wireshark would find.
struct ParsedCapture {
  struct Block {
    var type: UInt32
    var body: [UInt8]
  }

  struct Packet {
    var interface: UInt32
    var timestamp: UInt64
    var frame: [UInt8]
    var options: [(code: UInt16, value: [UInt8])]

    var comment: String? {
      options.first { $0.code == 1 }.map { String(decoding: $0.value, as: UTF8.self) }
    }

    var ipv4: [UInt8] { Array(frame[14..<34]) }
    var tcp: [UInt8] { Array(frame[34..<54]) }
    var payload: [UInt8] { Array(frame[54...]) }
    var source: TCPEndpoint { TCPEndpoint(address: be32(ipv4, 12), port: be16(tcp, 0)) }
    var destination: TCPEndpoint { TCPEndpoint(address: be32(ipv4, 16), port: be16(tcp, 2)) }
    var sequence: UInt32 { be32(tcp, 4) }
    var acknowledgment: UInt32 { be32(tcp, 8) }
    var flags: TCPSegment.Flags { TCPSegment.Flags(rawValue: tcp[13]) }
    var ipTotalLength: Int { Int(be16(ipv4, 2)) }
  }

  var blocks: [Block] = []

  /// Reads `bytes`; nil when a block's lengths do not frame it.
  init?(_ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
      guard offset + 12 <= bytes.count else { return nil }
      let type = le32(bytes, offset)
      let length = Int(le32(bytes, offset + 4))
      guard length >= 12, length % 4 == 0, offset + length <= bytes.count,
        le32(bytes, offset + length - 4) == UInt32(length)
      else { return nil }
      blocks.append(Block(type: type, body: Array(bytes[offset + 8..<offset + length - 4])))
      offset += length
    }
  }

  /// Options of a body starting at `offset`.
  static func options(_ body: [UInt8], from offset: Int) -> [(code: UInt16, value: [UInt8])] {
    var options: [(UInt16, [UInt8])] = []
    var at = offset
    while at + 4 <= body.count {
      let code = le16(body, at)
      let length = Int(le16(body, at + 2))
      if code == 0 { break }
      options.append((code, Array(body[at + 4..<at + 4 + length])))
      at += 4 + (length + 3) / 4 * 4
    }
    return options
  }

  var packets: [Packet] {
    blocks.filter { $0.type == PcapngBlock.enhancedPacketType }.map { block in
      let body = block.body
      let captured = Int(le32(body, 12))
      let padded = (captured + 3) / 4 * 4
      return Packet(
        interface: le32(body, 0), timestamp: UInt64(le32(body, 4)) << 32 | UInt64(le32(body, 8)),
        frame: Array(body[20..<20 + captured]), options: Self.options(body, from: 20 + padded))
    }
  }

  /// Text options of the first Interface Description Block.
  var interfaceOptions: [UInt16: String] {
    guard let idb = blocks.first(where: { $0.type == PcapngBlock.interfaceDescriptionType }) else { return [:] }
    var options: [UInt16: String] = [:]
    for option in Self.options(idb.body, from: 8) {
      options[option.code] = String(decoding: option.value, as: UTF8.self)
    }
    return options
  }
}

func le16(_ bytes: [UInt8], _ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }
func le32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
  UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
}
func be16(_ bytes: [UInt8], _ at: Int) -> UInt16 { UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1]) }
func be32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
  UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
}
