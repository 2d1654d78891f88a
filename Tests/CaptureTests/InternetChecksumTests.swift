import Capture
import Testing

@Suite("Internet checksum")
struct InternetChecksumTests {
  /// RFC 1071 section 3's example: the sum of these words is 0xDDF2.
  @Test func rfc1071Example() {
    #expect(InternetChecksum.of([0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7]) == ~UInt16(0xDDF2))
  }

  /// A well-known IPv4 header (192.168.0.1 → 192.168.0.199, UDP): checksum 0xB861.
  @Test func ipv4HeaderExample() {
    let header: [UInt8] = [
      0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xC0, 0xA8, 0x00, 0x01, 0xC0, 0xA8, 0x00,
      0xC7,
    ]
    #expect(InternetChecksum.of(header) == 0xB861)
  }

  @Test func oddLengthIsPaddedWithZero() {
    #expect(InternetChecksum.of([0x12, 0x34, 0x56]) == InternetChecksum.of([0x12, 0x34, 0x56, 0x00]))
  }

  /// Bytes added in pieces (odd ones too) sum like one run.
  @Test(arguments: [1, 2, 3, 7])
  func piecesSumAsOneRun(split: Int) {
    let bytes = (0..<41).map { UInt8(truncatingIfNeeded: $0 &* 37) }
    var checksum = InternetChecksum()
    var start = 0
    while start < bytes.count {
      checksum.add(bytes[start..<min(start + split, bytes.count)])
      start += split
    }
    #expect(checksum.value == InternetChecksum.of(bytes))
  }
}
