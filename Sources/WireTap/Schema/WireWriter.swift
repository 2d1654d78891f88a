/// Writes protobuf wire format: tags, varints, fixed-width values, length-delimited bytes.
struct WireWriter {
  private(set) var bytes: [UInt8] = []

  mutating func varint(_ value: UInt64) {
    var value = value
    while value >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
      value >>= 7
    }
    bytes.append(UInt8(value))
  }

  mutating func tag(_ number: Int, wireType: Int) {
    varint(UInt64(number) << 3 | UInt64(wireType))
  }

  mutating func fixed32(_ value: UInt32) {
    for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
  }

  mutating func fixed64(_ value: UInt64) {
    for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
  }

  mutating func append(_ raw: [UInt8]) { bytes += raw }

  mutating func lengthDelimited(_ content: [UInt8]) {
    varint(UInt64(content.count))
    bytes += content
  }
}
