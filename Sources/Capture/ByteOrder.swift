extension [UInt8] {
  /// Appends `value` least significant byte first (pcapng blocks, written little-endian).
  mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
    for shift in stride(from: 0, to: T.bitWidth, by: 8) { append(UInt8(truncatingIfNeeded: value >> shift)) }
  }

  /// Appends `value` most significant byte first (network byte order: IPv4 and TCP headers).
  mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
    for shift in stride(from: T.bitWidth - 8, through: 0, by: -8) { append(UInt8(truncatingIfNeeded: value >> shift)) }
  }

  /// Appends zero bytes up to the next multiple of 4 (pcapng pads every field to 32 bits).
  mutating func padToFourBytes() {
    append(contentsOf: repeatElement(0, count: (4 - count % 4) % 4))
  }
}
