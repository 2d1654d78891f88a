/// Bounds-checked scanning of protobuf wire format into fields (number, wire value, byte
/// ranges), shared by the schemaless decoder and the descriptor-driven one.
///
/// Safe on hostile input: every read is bounds-checked, group nesting is limited to
/// `RenderLimits.maxDepth`, and at most `maxScannedFields` fields are kept per message.
struct WireScanner {
  /// One field as found on the wire.
  struct Field {
    /// The value of one field; length-delimited values are ranges into the scanned bytes.
    enum Value {
      case varint(UInt64)
      case fixed64(UInt64)
      case fixed32(UInt32)
      case lengthDelimited(Range<Int>)
      case group([Field], omitted: Int, range: Range<Int>)
    }
    var number: Int
    var value: Value
    /// The bytes of the whole field (tag included).
    var range: Range<Int>
  }

  let bytes: [UInt8]
  /// Cap on fields scanned in one message (protects memory on a pathological message).
  static let maxScannedFields = 100_000

  /// Scans the fields in `range`; nil when the bytes are not a valid message.
  func scan(_ range: Range<Int>, depth: Int) -> (fields: [Field], omitted: Int)? {
    var position = range.lowerBound
    guard let result = scanFields(&position, end: range.upperBound, depth: depth, endGroup: nil),
      position == range.upperBound
    else { return nil }
    return result
  }

  /// Scans fields until `end`, or until the END_GROUP tag for `endGroup` (consumed).
  private func scanFields(_ position: inout Int, end: Int, depth: Int, endGroup: Int?) -> (
    fields: [Field], omitted: Int
  )? {
    var fields: [Field] = []
    var omitted = 0
    while position < end {
      let start = position
      guard let tag = readVarint(&position, end: end) else { return nil }
      let wireType = Int(tag & 0x7)
      let numberValue = tag >> 3
      guard numberValue >= 1, numberValue <= 0x1fff_ffff else { return nil }
      let number = Int(numberValue)
      let value: Field.Value
      switch wireType {
      case 0:
        guard let varint = readVarint(&position, end: end) else { return nil }
        value = .varint(varint)
      case 1:
        guard end - position >= 8 else { return nil }
        var word: UInt64 = 0
        for offset in (0..<8).reversed() { word = word << 8 | UInt64(bytes[position + offset]) }
        position += 8
        value = .fixed64(word)
      case 2:
        guard let length = readVarint(&position, end: end), length <= UInt64(end - position) else { return nil }
        let contentStart = position
        position += Int(length)
        value = .lengthDelimited(contentStart..<position)
      case 3:
        let contentStart = position
        guard depth < RenderLimits.maxDepth,
          let group = scanFields(&position, end: end, depth: depth + 1, endGroup: number)
        else { return nil }
        let endTag = Self.varintLength(UInt64(number) << 3 | 4)
        value = .group(group.fields, omitted: group.omitted, range: contentStart..<(position - endTag))
      case 4:
        // END_GROUP: valid only for the group being scanned.
        guard endGroup == number else { return nil }
        return (fields, omitted)
      case 5:
        guard end - position >= 4 else { return nil }
        var word: UInt32 = 0
        for offset in (0..<4).reversed() { word = word << 8 | UInt32(bytes[position + offset]) }
        position += 4
        value = .fixed32(word)
      default:
        return nil
      }
      if fields.count < Self.maxScannedFields {
        fields.append(Field(number: number, value: value, range: start..<position))
      } else {
        omitted += 1
      }
    }
    // Ran out of bytes: fine for a message, an error inside an unterminated group.
    return endGroup == nil ? (fields, omitted) : nil
  }

  /// Bytes of `value` as a varint.
  static func varintLength(_ value: UInt64) -> Int {
    var length = 1
    var rest = value >> 7
    while rest != 0 {
      length += 1
      rest >>= 7
    }
    return length
  }

  /// Reads a base-128 varint of at most 10 bytes.
  func readVarint(_ position: inout Int, end: Int) -> UInt64? {
    var result: UInt64 = 0
    var shift: UInt64 = 0
    while position < end, shift < 70 {
      let byte = bytes[position]
      position += 1
      result |= UInt64(byte & 0x7f) << shift
      if byte & 0x80 == 0 { return result }
      shift += 7
    }
    return nil
  }
}
