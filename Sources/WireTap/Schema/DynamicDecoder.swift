import SwiftProtobuf

/// Decodes protobuf wire format by descriptor (a `MessageSchema` from a `DescriptorRegistry`)
/// into a `DynamicMessage`, on top of `WireScanner`.
///
/// Follows the protobuf parsing rules: the last value of a singular field wins, singular
/// messages met twice are merged, repeated scalars may be packed or not, a oneof keeps its
/// last member, a field whose wire type does not match its declaration is kept as unknown.
/// Never traps; bounded by `DynamicDecodeLimits` (its `maxDepth` included).
struct DynamicDecoder {
  let registry: DescriptorRegistry
  let limits: DynamicDecodeLimits
  /// Fields and elements that may still be kept.
  private var budget: Int

  init(registry: DescriptorRegistry, limits: DynamicDecodeLimits) {
    self.registry = registry
    self.limits = limits
    self.budget = limits.totalNodes
  }

  /// Decodes `bytes` as `schema`; nil when they are not a valid message of that type.
  static func decode(
    _ bytes: [UInt8], as schema: MessageSchema, registry: DescriptorRegistry, limits: DynamicDecodeLimits = .display
  ) -> DynamicMessage? {
    var decoder = DynamicDecoder(registry: registry, limits: limits)
    return decoder.message(bytes, 0..<bytes.count, schema: schema, depth: 0)
  }

  /// What has been gathered for one known field while scanning.
  struct Slot {
    var field: Google_Protobuf_FieldDescriptorProto
    var values: [DynamicValue] = []
    var total = 0
    /// Chunks of a singular message field, merged at the end.
    var chunks: [[UInt8]] = []
    /// Wire index of the last occurrence (for oneofs: the last member wins).
    var lastIndex = 0
    /// The encoding its bytes hold, read for display (`msgpack`, `json`), if any.
    var payload: String?
  }

  /// The encoding a bytes field of `message` holds: a Terraform `DynamicValue` (tfplugin5/6)
  /// carries its value as `msgpack` or `json` bytes.
  static func payload(of field: Google_Protobuf_FieldDescriptorProto, in message: String) -> String? {
    guard field.type == .bytes, message.hasSuffix(".DynamicValue") || message == "DynamicValue" else { return nil }
    return field.name == "msgpack" || field.name == "json" ? field.name : nil
  }

  mutating func message(_ bytes: [UInt8], _ range: Range<Int>, schema: MessageSchema, depth: Int) -> DynamicMessage? {
    guard depth < limits.maxDepth else {
      return DynamicMessage(typeName: schema.fullName, fields: [], omitted: 1, depthCut: true)
    }
    guard let scanned = WireScanner(bytes: bytes).scan(range, depth: depth) else { return nil }
    if schema.fullName == "google.protobuf.Any", let any = anyMessage(bytes, scanned.fields, schema, depth) {
      return any
    }
    var slots: [Int32: Slot] = [:]
    var unknown: [DynamicField] = []
    var omitted = scanned.omitted
    for (index, wire) in scanned.fields.enumerated() {
      let number = Int32(truncatingIfNeeded: wire.number)
      guard let field = schema.fieldsByNumber[number] else {
        unknown.append(rawField(bytes, wire))
        continue
      }
      var slot = slots[number] ?? Slot(field: field, payload: Self.payload(of: field, in: schema.fullName))
      slot.lastIndex = index
      switch accept(bytes, wire, into: &slot, depth: depth) {
      case .some(true): slots[number] = slot
      case .some(false): unknown.append(rawField(bytes, wire))
      case nil: return nil
      }
    }
    // A oneof keeps only its last member on the wire.
    var oneofWinner: [String: Int] = [:]
    for slot in slots.values {
      guard let oneof = schema.oneofName(of: slot.field) else { continue }
      oneofWinner[oneof] = max(oneofWinner[oneof] ?? -1, slot.lastIndex)
    }
    var fields: [DynamicField] = []
    for number in slots.keys.sorted() {
      guard var slot = slots[number] else { continue }
      let oneof = schema.oneofName(of: slot.field)
      if let oneof, oneofWinner[oneof] != slot.lastIndex { continue }
      if !slot.chunks.isEmpty {
        let merged = slot.chunks.count == 1 ? slot.chunks[0] : slot.chunks.flatMap { $0 }
        guard let value = nestedMessage(merged, 0..<merged.count, field: slot.field, depth: depth) else { return nil }
        slot.values = [value]
      }
      guard let value = value(of: slot) else { continue }
      guard takeBudget() else {
        omitted += 1
        continue
      }
      fields.append(
        DynamicField(
          number: Int(number), name: slot.field.name, jsonName: Self.jsonName(slot.field), oneof: oneof,
          value: value))
    }
    for field in unknown {
      guard takeBudget() else {
        omitted += 1
        continue
      }
      fields.append(field)
    }
    return DynamicMessage(typeName: schema.fullName, fields: fields, omitted: omitted)
  }

  private mutating func takeBudget() -> Bool {
    guard budget > 0 else { return false }
    budget -= 1
    return true
  }

  /// The field's value once every occurrence is in: a list, a map or the last value.
  private func value(of slot: Slot) -> DynamicValue? {
    guard slot.field.label == .repeated else { return slot.values.last }
    if isMapField(slot.field) {
      var entries: [DynamicMapEntry] = []
      var positions: [String: Int] = [:]
      for case .map(let pair, _) in slot.values {
        for entry in pair {
          let key = DynamicJSON.mapKey(entry.key)
          if let at = positions[key] {
            entries[at] = entry
          } else {
            positions[key] = entries.count
            entries.append(entry)
          }
        }
      }
      return .map(entries, total: entries.count + max(0, slot.total - slot.values.count))
    }
    return .list(slot.values, total: slot.total)
  }

  /// `json_name` as protoc filled it, else lowerCamelCase of the field name.
  static func jsonName(_ field: Google_Protobuf_FieldDescriptorProto) -> String {
    if field.hasJsonName, !field.jsonName.isEmpty { return field.jsonName }
    return jsonName(withoutOverride: field)
  }

  /// lowerCamelCase of the field name (what `json_name` is unless the .proto sets it).
  static func jsonName(withoutOverride field: Google_Protobuf_FieldDescriptorProto) -> String {
    var out = ""
    var upper = false
    for char in field.name {
      if char == "_" {
        upper = true
      } else {
        out += upper ? char.uppercased() : String(char)
        upper = false
      }
    }
    return out
  }

  func isMapField(_ field: Google_Protobuf_FieldDescriptorProto) -> Bool {
    field.type == .message && registry.message(field.typeName)?.isMapEntry == true
  }

  /// An unknown field, decoded schemaless like `protoc --decode_raw`.
  private func rawField(_ bytes: [UInt8], _ wire: WireScanner.Field) -> DynamicField {
    let rendered = RawProtoDecoder.decode(Array(bytes[wire.range]))?.fields.first?.value ?? .scalar("?")
    return DynamicField(
      number: wire.number, name: String(wire.number), jsonName: String(wire.number), oneof: nil, value: .raw(rendered),
      isUnknown: true)
  }
}
