/// Schemaless protobuf wire-format decoding, like `protoc --decode_raw`.
///
/// Field numbers become names; varints are shown in decimal, fixed32/fixed64 in hex (as
/// protoc does). A length-delimited field is shown as text when it is printable UTF-8 that
/// does not start with a control character, else as a nested message if it parses as one,
/// else as text if printable, else as bytes. (protoc tries the nested message first; text
/// first avoids showing ordinary strings such as `(a` as messages.)
///
/// Safe on hostile input: every read is bounds-checked, nesting is limited to
/// `RenderLimits.maxDepth`, and the number of fields kept is bounded.
struct RawProtoDecoder {
  /// One field as found on the wire.
  private struct WireField {
    enum Value {
      case varint(UInt64)
      case fixed64(UInt64)
      case fixed32(UInt32)
      case lengthDelimited(Range<Int>)
      case group([WireField], omitted: Int)
    }
    var number: Int
    var value: Value
  }

  private let bytes: [UInt8]
  /// Fields still allowed in the output (shared across nesting).
  private var budget = RenderLimits.totalNodes
  /// Cap on fields scanned in one message (protects memory on a pathological message).
  private static let maxScannedFields = 100_000

  private init(bytes: [UInt8]) { self.bytes = bytes }

  /// Decodes `bytes` as a message; nil if they are not valid wire format (or are empty and
  /// `allowEmpty` is false).
  static func decode(_ bytes: [UInt8], allowEmpty: Bool = true) -> RenderedMessage? {
    var decoder = RawProtoDecoder(bytes: bytes)
    guard let fields = decoder.scan(0..<bytes.count, depth: 0) else { return nil }
    if fields.fields.isEmpty, !allowEmpty { return nil }
    return decoder.render(fields.fields, omitted: fields.omitted, depth: 0)
  }

  // MARK: Scanning (validation + field extraction, no recursion into length-delimited data)

  /// Scans the fields in `range`; nil when the bytes are not a valid message.
  private func scan(_ range: Range<Int>, depth: Int) -> (fields: [WireField], omitted: Int)? {
    var position = range.lowerBound
    guard let result = scanFields(&position, end: range.upperBound, depth: depth, endGroup: nil),
      position == range.upperBound
    else { return nil }
    return result
  }

  /// Scans fields until `end`, or until the END_GROUP tag for `endGroup` (consumed).
  private func scanFields(_ position: inout Int, end: Int, depth: Int, endGroup: Int?) -> (
    fields: [WireField], omitted: Int
  )? {
    var fields: [WireField] = []
    var omitted = 0
    while position < end {
      guard let tag = readVarint(&position, end: end) else { return nil }
      let wireType = Int(tag & 0x7)
      let numberValue = tag >> 3
      guard numberValue >= 1, numberValue <= 0x1fff_ffff else { return nil }
      let number = Int(numberValue)
      let value: WireField.Value
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
        let start = position
        position += Int(length)
        value = .lengthDelimited(start..<position)
      case 3:
        guard depth < RenderLimits.maxDepth,
          let group = scanFields(&position, end: end, depth: depth + 1, endGroup: number)
        else { return nil }
        value = .group(group.fields, omitted: group.omitted)
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
        fields.append(WireField(number: number, value: value))
      } else {
        omitted += 1
      }
    }
    // Ran out of bytes: fine for a message, an error inside an unterminated group.
    return endGroup == nil ? (fields, omitted) : nil
  }

  /// Reads a base-128 varint of at most 10 bytes.
  private func readVarint(_ position: inout Int, end: Int) -> UInt64? {
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

  // MARK: Rendering

  private mutating func render(_ fields: [WireField], omitted: Int, depth: Int) -> RenderedMessage {
    var message = RenderedMessage(typeName: nil, fields: [], omittedFields: omitted)
    for field in fields {
      guard budget > 0 else {
        message.omittedFields += 1
        continue
      }
      budget -= 1
      message.fields.append(RenderedField(name: String(field.number), value: renderValue(field.value, depth: depth)))
    }
    return message
  }

  private mutating func renderValue(_ value: WireField.Value, depth: Int) -> RenderedValue {
    switch value {
    case .varint(let number):
      return .scalar(String(number))
    case .fixed64(let number):
      return .scalar("0x" + paddedHex(number, digits: 16))
    case .fixed32(let number):
      return .scalar("0x" + paddedHex(UInt64(number), digits: 8))
    case .group(let fields, let omitted):
      return .message(render(fields, omitted: omitted, depth: depth + 1))
    case .lengthDelimited(let range):
      let slice = bytes[range]
      if slice.isEmpty { return .string(text: "", totalUTF8: 0) }
      if TextPreview.looksLikeText(slice) {
        return Self.textValue(slice)
      }
      if depth + 1 < RenderLimits.maxDepth, budget > 0, let nested = scan(range, depth: depth + 1),
        !nested.fields.isEmpty
      {
        return .message(render(nested.fields, omitted: nested.omitted, depth: depth + 1))
      }
      if TextPreview.isPrintableText(slice) {
        return Self.textValue(slice)
      }
      return .bytes(prefix: Array(slice.prefix(RenderLimits.storedBytesPrefix)), count: slice.count)
    }
  }

  /// A string value from bytes already known to be printable UTF-8; only a prefix is decoded.
  private static func textValue(_ slice: ArraySlice<UInt8>) -> RenderedValue {
    let prefix = slice.prefix(RenderLimits.storedStringCharacters * 4)
    let text = TextPreview.printableText(prefix, allowTruncatedTail: prefix.count < slice.count) ?? ""
    return .string(text: String(text.prefix(RenderLimits.storedStringCharacters)), totalUTF8: slice.count)
  }

  static func stringValue(_ text: String) -> RenderedValue {
    .string(text: String(text.prefix(RenderLimits.storedStringCharacters)), totalUTF8: text.utf8.count)
  }

  private func paddedHex(_ value: UInt64, digits: Int) -> String {
    let text = String(value, radix: 16)
    return String(repeating: "0", count: max(0, digits - text.count)) + text
  }
}
