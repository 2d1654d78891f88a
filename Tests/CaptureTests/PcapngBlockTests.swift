import Capture
import Testing

@Suite("pcapng blocks")
struct PcapngBlockTests {
  @Test func sectionHeaderWithoutOptions() {
    #expect(
      PcapngBlock.sectionHeader() == [
        0x0A, 0x0D, 0x0D, 0x0A, 28, 0, 0, 0,  // type, total length
        0x4D, 0x3C, 0x2B, 0x1A, 1, 0, 0, 0,  // byte-order magic, version 1.0
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,  // section length unknown
        28, 0, 0, 0,
      ])
  }

  @Test func optionsArePaddedAndEnded() {
    let block = PcapngBlock.sectionHeader(options: [.init(code: PcapngBlock.Option.userApplication, text: "abcde")])
    // 16 bytes of fields, the option (4 + 5 padded to 8), opt_endofopt (4).
    #expect(block.count == 12 + 16 + 12 + 4)
    #expect(Array(block[24..<40]) == [4, 0, 5, 0, 97, 98, 99, 100, 101, 0, 0, 0, 0, 0, 0, 0])
    #expect(ParsedCapture(block) != nil)
  }

  @Test func interfaceDescription() {
    let block = PcapngBlock.interfaceDescription(
      snapLength: 262_144, options: [.init(code: PcapngBlock.Option.interfaceDescription, text: "relay")])
    #expect(Array(block[0..<4]) == [1, 0, 0, 0])
    #expect(Array(block[8..<16]) == [1, 0, 0, 0, 0x00, 0x00, 0x04, 0x00])  // Ethernet, reserved, snaplen
    let parsed = ParsedCapture(block)
    #expect(parsed?.interfaceOptions[PcapngBlock.Option.interfaceDescription] == "relay")
  }

  @Test(arguments: [0, 1, 2, 3, 4, 61])
  func enhancedPacketIsPaddedToFourBytes(length: Int) throws {
    let packet = (0..<length).map { UInt8($0) }
    let timestamp: UInt64 = 0x0006_1A2B_3C4D_5E6F
    let block = PcapngBlock.enhancedPacket(interface: 0, timestamp: timestamp, packet: packet)
    #expect(block.count == 32 + (length + 3) / 4 * 4)
    #expect(Array(block[0..<4]) == [6, 0, 0, 0])
    let parsed = try #require(ParsedCapture(block)?.packets.first)
    #expect(parsed.timestamp == timestamp)
    #expect(parsed.frame == packet)
    #expect(le32(block, 20) == UInt32(length) && le32(block, 24) == UInt32(length))  // captured, original
  }

  @Test func enhancedPacketComment() throws {
    let block = PcapngBlock.enhancedPacket(
      timestamp: 1, packet: [1, 2, 3], options: [.init(code: PcapngBlock.Option.comment, text: "hello")])
    #expect(try #require(ParsedCapture(block)?.packets.first).comment == "hello")
  }

  @Test func microsecondTimestamps() {
    #expect(PcapngBlock.microseconds(since1970: 1_700_000_000.123456) == 1_700_000_000_123_456)
    #expect(PcapngBlock.microseconds(since1970: -5) == 0)
  }
}
