import SwiftProtobuf

/// Field values: scalars, packed lists, nested messages, map entries, `Any`.
extension DynamicDecoder {
  typealias FieldType = Google_Protobuf_FieldDescriptorProto.TypeEnum

  /// Takes one occurrence of a known field: true when kept, false when its wire type does not
  /// match (the caller keeps it as unknown), nil when its content is not valid.
  mutating func accept(_ bytes: [UInt8], _ wire: WireScanner.Field, into slot: inout Slot, depth: Int) -> Bool? {
    let field = slot.field
    let repeated = field.label == .repeated
    switch (field.type, wire.value) {
    case (.message, .lengthDelimited(let range)), (.group, .group(_, _, let range)):
      if !repeated {
        slot.chunks.append(Array(bytes[range]))
        return true
      }
      slot.total += 1
      guard slot.values.count < limits.elements else { return true }
      if isMapField(field) {
        guard let entry = mapEntry(bytes, range, field: field, depth: depth) else { return nil }
        slot.values.append(.map([entry], total: 1))
      } else {
        guard let value = nestedMessage(bytes, range, field: field, depth: depth) else { return nil }
        slot.values.append(value)
      }
      return true
    case (.string, .lengthDelimited(let range)), (.bytes, .lengthDelimited(let range)):
      slot.total += 1
      if repeated, slot.values.count >= limits.elements { return true }
      if let format = slot.payload, let text = payloadText(bytes[range], format: format) {
        let kept = bytesValue(bytes[range])
        guard case .bytes(let prefix, let total) = kept else { return nil }
        slot.values.append(.payload(format: format, text: text, bytes: prefix, total: total))
      } else {
        slot.values.append(field.type == .string ? string(bytes[range]) : bytesValue(bytes[range]))
      }
      return true
    case (.message, _), (.group, _), (.string, _), (.bytes, _):
      return false
    case (_, .lengthDelimited(let range)):
      guard repeated, let values = packed(bytes, range, field: field) else { return repeated ? nil : false }
      slot.total += values.count
      slot.values += values.prefix(max(0, limits.elements - slot.values.count))
      return true
    default:
      guard let value = scalar(wire.value, field: field) else { return false }
      slot.total += 1
      if repeated, slot.values.count >= limits.elements { return true }
      slot.values.append(value)
      return true
    }
  }

  /// A nested message field's value (the type unknown → the bytes schemaless).
  mutating func nestedMessage(
    _ bytes: [UInt8], _ range: Range<Int>, field: Google_Protobuf_FieldDescriptorProto, depth: Int
  ) -> DynamicValue? {
    guard let schema = registry.message(field.typeName) else {
      let raw = RawProtoDecoder.decode(Array(bytes[range])) ?? RenderedMessage(typeName: nil, fields: [])
      return .raw(.message(raw))
    }
    return message(bytes, range, schema: schema, depth: depth + 1).map { .message($0) }
  }

  /// One `map<K, V>` entry: fields 1 and 2 of the entry message, defaults when absent.
  private mutating func mapEntry(
    _ bytes: [UInt8], _ range: Range<Int>, field: Google_Protobuf_FieldDescriptorProto, depth: Int
  ) -> DynamicMapEntry? {
    guard let schema = registry.message(field.typeName),
      let keyField = schema.fieldsByNumber[1], let valueField = schema.fieldsByNumber[2],
      let entry = message(bytes, range, schema: schema, depth: depth + 1)
    else { return nil }
    let key = entry.fields.first { $0.number == 1 && !$0.isUnknown }?.value ?? defaultValue(keyField)
    let value = entry.fields.first { $0.number == 2 && !$0.isUnknown }?.value ?? defaultValue(valueField)
    return DynamicMapEntry(key: key, value: value)
  }

  /// The value a field has when it is absent from the wire.
  func defaultValue(_ field: Google_Protobuf_FieldDescriptorProto) -> DynamicValue {
    switch field.type {
    case .double: return .double(0)
    case .float: return .float(0)
    case .int64, .sint64, .sfixed64: return .signed(0, is64: true)
    case .uint64, .fixed64: return .unsigned(0, is64: true)
    case .int32, .sint32, .sfixed32: return .signed(0, is64: false)
    case .uint32, .fixed32: return .unsigned(0, is64: false)
    case .bool: return .bool(false)
    case .string: return .string("", total: 0)
    case .bytes: return .bytes([], total: 0)
    case .enum:
      let type = DescriptorRegistry.trimDot(field.typeName)
      return .enumValue(type: type, number: 0, name: registry.enumType(type)?.namesByNumber[0])
    default:
      return .message(DynamicMessage(typeName: DescriptorRegistry.trimDot(field.typeName), fields: []))
    }
  }

  /// A varint, fixed32 or fixed64 value as the field's type; nil when the wire type does not match.
  func scalar(_ wire: WireScanner.Field.Value, field: Google_Protobuf_FieldDescriptorProto) -> DynamicValue? {
    switch (field.type, wire) {
    case (.int32, .varint(let v)): return .signed(Int64(Int32(truncatingIfNeeded: v)), is64: false)
    case (.int64, .varint(let v)): return .signed(Int64(bitPattern: v), is64: true)
    case (.uint32, .varint(let v)): return .unsigned(UInt64(UInt32(truncatingIfNeeded: v)), is64: false)
    case (.uint64, .varint(let v)): return .unsigned(v, is64: true)
    case (.sint32, .varint(let v)):
      let bits = UInt32(truncatingIfNeeded: v)
      return .signed(Int64(Int32(bitPattern: (bits >> 1) ^ (0 &- (bits & 1)))), is64: false)
    case (.sint64, .varint(let v)): return .signed(Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1))), is64: true)
    case (.bool, .varint(let v)): return .bool(v != 0)
    case (.enum, .varint(let v)):
      let number = Int32(truncatingIfNeeded: v)
      let type = DescriptorRegistry.trimDot(field.typeName)
      return .enumValue(type: type, number: number, name: registry.enumType(type)?.namesByNumber[number])
    case (.fixed32, .fixed32(let v)): return .unsigned(UInt64(v), is64: false)
    case (.sfixed32, .fixed32(let v)): return .signed(Int64(Int32(bitPattern: v)), is64: false)
    case (.float, .fixed32(let v)): return .float(Float(bitPattern: v))
    case (.fixed64, .fixed64(let v)): return .unsigned(v, is64: true)
    case (.sfixed64, .fixed64(let v)): return .signed(Int64(bitPattern: v), is64: true)
    case (.double, .fixed64(let v)): return .double(Double(bitPattern: v))
    default: return nil
    }
  }

  /// The elements of a packed repeated scalar; nil when the bytes do not divide into elements.
  private func packed(_ bytes: [UInt8], _ range: Range<Int>, field: Google_Protobuf_FieldDescriptorProto)
    -> [DynamicValue]?
  {
    let scanner = WireScanner(bytes: bytes)
    var values: [DynamicValue] = []
    var position = range.lowerBound
    while position < range.upperBound {
      let wire: WireScanner.Field.Value
      switch field.type {
      case .fixed32, .sfixed32, .float:
        guard range.upperBound - position >= 4 else { return nil }
        var word: UInt32 = 0
        for offset in (0..<4).reversed() { word = word << 8 | UInt32(bytes[position + offset]) }
        position += 4
        wire = .fixed32(word)
      case .fixed64, .sfixed64, .double:
        guard range.upperBound - position >= 8 else { return nil }
        var word: UInt64 = 0
        for offset in (0..<8).reversed() { word = word << 8 | UInt64(bytes[position + offset]) }
        position += 8
        wire = .fixed64(word)
      default:
        guard let varint = scanner.readVarint(&position, end: range.upperBound) else { return nil }
        wire = .varint(varint)
      }
      guard let value = scalar(wire, field: field) else { return nil }
      if values.count < limits.elements { values.append(value) }
    }
    return values
  }

  func string(_ slice: ArraySlice<UInt8>) -> DynamicValue {
    let kept = slice.prefix(limits.stringCharacters * 4)
    let text = String(decoding: kept, as: UTF8.self)
    return .string(String(text.prefix(limits.stringCharacters)), total: slice.count)
  }

  /// A payload's bytes as text: MessagePack read as JSON-like text, JSON as it is (nil: not that).
  func payloadText(_ slice: ArraySlice<UInt8>, format: String) -> String? {
    let limit = limits.stringCharacters * 4
    switch format {
    case "msgpack":
      var bounds = MsgPack.Limits()
      bounds.characters = limit
      return MsgPack.render(Array(slice), limits: bounds)
    default:
      guard let text = String(validating: slice, as: UTF8.self) else { return nil }
      return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }
  }

  func bytesValue(_ slice: ArraySlice<UInt8>) -> DynamicValue {
    .bytes(Array(slice.prefix(limits.bytesPrefix)), total: slice.count)
  }

  /// `google.protobuf.Any` whose type is known: `type_url` and the packed message as `value`.
  mutating func anyMessage(_ bytes: [UInt8], _ fields: [WireScanner.Field], _ schema: MessageSchema, _ depth: Int)
    -> DynamicMessage?
  {
    var typeURL: String?
    var valueBytes: [UInt8] = []
    for field in fields {
      switch (field.number, field.value) {
      case (1, .lengthDelimited(let range)): typeURL = String(decoding: bytes[range], as: UTF8.self)
      case (2, .lengthDelimited(let range)): valueBytes = Array(bytes[range])
      default: return nil
      }
    }
    guard let typeURL, let slash = typeURL.lastIndex(of: "/"),
      let packedSchema = registry.message(String(typeURL[typeURL.index(after: slash)...])),
      let packed = message(valueBytes, 0..<valueBytes.count, schema: packedSchema, depth: depth + 1)
    else { return nil }
    return DynamicMessage(
      typeName: schema.fullName,
      fields: [
        DynamicField(
          number: 1, name: "type_url", jsonName: "typeUrl", oneof: nil,
          value: .string(typeURL, total: typeURL.utf8.count)),
        DynamicField(number: 2, name: "value", jsonName: "value", oneof: nil, value: .message(packed)),
      ])
  }
}
