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
  private let bytes: [UInt8]
  /// Fields still allowed in the output (shared across nesting).
  private var budget = RenderLimits.totalNodes

  private init(bytes: [UInt8]) { self.bytes = bytes }

  /// Decodes `bytes` as a message; nil if they are not valid wire format (or are empty and
  /// `allowEmpty` is false).
  static func decode(_ bytes: [UInt8], allowEmpty: Bool = true) -> RenderedMessage? {
    var decoder = RawProtoDecoder(bytes: bytes)
    guard let fields = decoder.scan(0..<bytes.count, depth: 0) else { return nil }
    if fields.fields.isEmpty, !allowEmpty { return nil }
    return decoder.render(fields.fields, omitted: fields.omitted, depth: 0)
  }

  // MARK: Scanning

  private func scan(_ range: Range<Int>, depth: Int) -> (fields: [WireScanner.Field], omitted: Int)? {
    WireScanner(bytes: bytes).scan(range, depth: depth)
  }

  // MARK: Rendering

  private mutating func render(_ fields: [WireScanner.Field], omitted: Int, depth: Int) -> RenderedMessage {
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

  private mutating func renderValue(_ value: WireScanner.Field.Value, depth: Int) -> RenderedValue {
    switch value {
    case .varint(let number):
      return .scalar(String(number))
    case .fixed64(let number):
      return .scalar("0x" + paddedHex(number, digits: 16))
    case .fixed32(let number):
      return .scalar("0x" + paddedHex(UInt64(number), digits: 8))
    case .group(let fields, let omitted, _):
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
