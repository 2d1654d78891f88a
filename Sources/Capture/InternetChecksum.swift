/// The Internet checksum (RFC 1071): the one's complement of the one's complement sum of
/// 16-bit big-endian words, as IPv4 and TCP headers carry it.
public struct InternetChecksum: Sendable {
  private var sum: UInt64 = 0
  /// Whether an odd byte is waiting for its partner (data added in pieces is summed as one run).
  private var pending: UInt8?

  /// An empty sum.
  public init() {}

  /// Adds bytes, continuing the run of bytes added before.
  public mutating func add(_ bytes: some Sequence<UInt8>) {
    for byte in bytes {
      if let high = pending {
        sum += UInt64(high) << 8 | UInt64(byte)
        pending = nil
      } else {
        pending = byte
      }
    }
  }

  /// Adds a 16-bit word (at an even position of the run).
  public mutating func add(word: UInt16) {
    add([UInt8(word >> 8), UInt8(word & 0xFF)])
  }

  /// The checksum of everything added (an odd last byte is padded with zero).
  public var value: UInt16 {
    var total = sum
    if let high = pending { total += UInt64(high) << 8 }
    while total > 0xFFFF { total = (total & 0xFFFF) + (total >> 16) }
    return ~UInt16(total)
  }

  /// The checksum of `bytes`.
  public static func of(_ bytes: some Sequence<UInt8>) -> UInt16 {
    var checksum = InternetChecksum()
    checksum.add(bytes)
    return checksum.value
  }
}
