import Foundation
import SwiftProtobuf

/// Walks a decoded message with SwiftProtobuf's `Visitor` and collects `RenderedField`s,
/// keeping type information (bytes vs string, enum names) that text format would lose.
struct RenderingVisitor<M: Message>: Visitor {
  private(set) var fields: [RenderedField] = []
  private(set) var omittedFields = 0
  private let depth: Int
  /// Shared remaining-field budget across the whole message tree.
  private let budget: RenderBudget

  init(depth: Int, budget: RenderBudget) {
    self.depth = depth
    self.budget = budget
  }

  /// Renders a message (recursively, within the budget and depth limits).
  static func render(_ message: M, depth: Int, budget: RenderBudget) -> RenderedMessage {
    var visitor = RenderingVisitor<M>(depth: depth, budget: budget)
    if depth < RenderLimits.maxDepth {
      do {
        try message.traverse(visitor: &visitor)
      } catch {
        visitor.omittedFields += 1
      }
    } else {
      visitor.omittedFields += 1
    }
    return RenderedMessage(typeName: M.protoMessageName, fields: visitor.fields, omittedFields: visitor.omittedFields)
  }

  // MARK: Helpers

  private mutating func add(_ fieldNumber: Int, _ probe: FieldNameCache.Probe, _ value: RenderedValue) {
    guard budget.take() else {
      omittedFields += 1
      return
    }
    let name = FieldNameCache.shared.fieldName(M.self, fieldNumber: fieldNumber, probe: probe) ?? String(fieldNumber)
    fields.append(RenderedField(name: name, value: value))
  }

  private mutating func addList<T>(
    _ fieldNumber: Int, _ probe: FieldNameCache.Probe, _ values: [T], _ render: (T) -> RenderedValue
  ) {
    let kept = values.prefix(RenderLimits.storedElements)
    add(fieldNumber, probe, .list(kept.map(render), total: values.count))
  }

  private func nested<N: Message>(_ value: N) -> RenderedValue {
    .message(RenderingVisitor<N>.render(value, depth: depth + 1, budget: budget))
  }

  private func enumValue<E: Enum>(_ value: E, fieldNumber: Int) -> RenderedValue {
    if let name = FieldNameCache.shared.enumValueName(M.self, fieldNumber: fieldNumber, rawValue: value.rawValue) {
      return .scalar(name)
    }
    return .scalar(String(value.rawValue))
  }

  private static func bytes(_ data: Data) -> RenderedValue {
    .bytes(prefix: Array(data.prefix(RenderLimits.storedBytesPrefix)), count: data.count)
  }

  private static func string(_ text: String) -> RenderedValue {
    RawProtoDecoder.stringValue(text)
  }

  /// A map key or value of any supported type.
  private func anyValue(_ value: Any) -> RenderedValue {
    switch value {
    case let text as String: return Self.string(text)
    case let data as Data: return Self.bytes(data)
    case let message as any Message: return nestedAny(message)
    case let enumValue as any Enum: return .scalar(String(enumValue.rawValue))
    default: return .scalar(String(describing: value))
    }
  }

  private func nestedAny(_ message: some Message) -> RenderedValue { nested(message) }

  private func mapEntries<K, V>(_ map: [K: V], value render: (V) -> RenderedValue) -> RenderedValue {
    var entries = map.map { RenderedMapEntry(key: anyValue($0.key), value: render($0.value)) }
    entries.sort { lhs, rhs in
      let left = MessageRendering.inlineKey(lhs.key)
      let right = MessageRendering.inlineKey(rhs.key)
      if let l = Int64(left), let r = Int64(right) { return l < r }
      return left < right
    }
    return .map(Array(entries.prefix(RenderLimits.storedElements)), total: map.count)
  }

  // MARK: Singular fields

  mutating func visitSingularFloatField(value: Float, fieldNumber: Int) throws {
    add(fieldNumber, .fixed32, .scalar(String(describing: value)))
  }
  mutating func visitSingularDoubleField(value: Double, fieldNumber: Int) throws {
    add(fieldNumber, .fixed64, .scalar(String(describing: value)))
  }
  mutating func visitSingularInt32Field(value: Int32, fieldNumber: Int) throws {
    add(fieldNumber, .varint(1), .scalar(String(value)))
  }
  mutating func visitSingularInt64Field(value: Int64, fieldNumber: Int) throws {
    add(fieldNumber, .varint(1), .scalar(String(value)))
  }
  mutating func visitSingularUInt32Field(value: UInt32, fieldNumber: Int) throws {
    add(fieldNumber, .varint(1), .scalar(String(value)))
  }
  mutating func visitSingularUInt64Field(value: UInt64, fieldNumber: Int) throws {
    add(fieldNumber, .varint(1), .scalar(String(value)))
  }
  mutating func visitSingularSInt32Field(value: Int32, fieldNumber: Int) throws {
    add(fieldNumber, .varint(1), .scalar(String(value)))
  }
  mutating func visitSingularSInt64Field(value: Int64, fieldNumber: Int) throws {
    add(fieldNumber, .varint(1), .scalar(String(value)))
  }
  mutating func visitSingularFixed32Field(value: UInt32, fieldNumber: Int) throws {
    add(fieldNumber, .fixed32, .scalar(String(value)))
  }
  mutating func visitSingularFixed64Field(value: UInt64, fieldNumber: Int) throws {
    add(fieldNumber, .fixed64, .scalar(String(value)))
  }
  mutating func visitSingularSFixed32Field(value: Int32, fieldNumber: Int) throws {
    add(fieldNumber, .fixed32, .scalar(String(value)))
  }
  mutating func visitSingularSFixed64Field(value: Int64, fieldNumber: Int) throws {
    add(fieldNumber, .fixed64, .scalar(String(value)))
  }
  mutating func visitSingularBoolField(value: Bool, fieldNumber: Int) throws {
    add(fieldNumber, .varint(1), .scalar(value ? "true" : "false"))
  }
  mutating func visitSingularStringField(value: String, fieldNumber: Int) throws {
    add(fieldNumber, .text, Self.string(value))
  }
  mutating func visitSingularBytesField(value: Data, fieldNumber: Int) throws {
    add(fieldNumber, .text, Self.bytes(value))
  }
  mutating func visitSingularEnumField<E: Enum>(value: E, fieldNumber: Int) throws {
    let probe = FieldNameCache.Probe.varint(UInt64(bitPattern: Int64(value.rawValue)))
    let rendered = enumValue(value, fieldNumber: fieldNumber)
    add(fieldNumber, probe, rendered)
  }
  mutating func visitSingularMessageField<N: Message>(value: N, fieldNumber: Int) throws {
    let rendered = nested(value)
    add(fieldNumber, .message, rendered)
  }
  mutating func visitSingularGroupField<G: Message>(value: G, fieldNumber: Int) throws {
    let rendered = nested(value)
    add(fieldNumber, .group, rendered)
  }

  // MARK: Repeated fields (packed ones arrive here through the protocol's defaults)

  mutating func visitRepeatedFloatField(value: [Float], fieldNumber: Int) throws {
    addList(fieldNumber, .fixed32, value) { .scalar(String(describing: $0)) }
  }
  mutating func visitRepeatedDoubleField(value: [Double], fieldNumber: Int) throws {
    addList(fieldNumber, .fixed64, value) { .scalar(String(describing: $0)) }
  }
  mutating func visitRepeatedInt32Field(value: [Int32], fieldNumber: Int) throws {
    addList(fieldNumber, .varint(1), value) { .scalar(String($0)) }
  }
  mutating func visitRepeatedInt64Field(value: [Int64], fieldNumber: Int) throws {
    addList(fieldNumber, .varint(1), value) { .scalar(String($0)) }
  }
  mutating func visitRepeatedUInt32Field(value: [UInt32], fieldNumber: Int) throws {
    addList(fieldNumber, .varint(1), value) { .scalar(String($0)) }
  }
  mutating func visitRepeatedUInt64Field(value: [UInt64], fieldNumber: Int) throws {
    addList(fieldNumber, .varint(1), value) { .scalar(String($0)) }
  }
  mutating func visitRepeatedSInt32Field(value: [Int32], fieldNumber: Int) throws {
    addList(fieldNumber, .varint(1), value) { .scalar(String($0)) }
  }
  mutating func visitRepeatedSInt64Field(value: [Int64], fieldNumber: Int) throws {
    addList(fieldNumber, .varint(1), value) { .scalar(String($0)) }
  }
  mutating func visitRepeatedFixed32Field(value: [UInt32], fieldNumber: Int) throws {
    addList(fieldNumber, .fixed32, value) { .scalar(String($0)) }
  }
  mutating func visitRepeatedFixed64Field(value: [UInt64], fieldNumber: Int) throws {
    addList(fieldNumber, .fixed64, value) { .scalar(String($0)) }
  }
  mutating func visitRepeatedSFixed32Field(value: [Int32], fieldNumber: Int) throws {
    addList(fieldNumber, .fixed32, value) { .scalar(String($0)) }
  }
  mutating func visitRepeatedSFixed64Field(value: [Int64], fieldNumber: Int) throws {
    addList(fieldNumber, .fixed64, value) { .scalar(String($0)) }
  }
  mutating func visitRepeatedBoolField(value: [Bool], fieldNumber: Int) throws {
    addList(fieldNumber, .varint(1), value) { .scalar($0 ? "true" : "false") }
  }
  mutating func visitRepeatedStringField(value: [String], fieldNumber: Int) throws {
    addList(fieldNumber, .text, value) { Self.string($0) }
  }
  mutating func visitRepeatedBytesField(value: [Data], fieldNumber: Int) throws {
    addList(fieldNumber, .text, value) { Self.bytes($0) }
  }
  mutating func visitRepeatedEnumField<E: Enum>(value: [E], fieldNumber: Int) throws {
    let probe = FieldNameCache.Probe.varint(UInt64(bitPattern: Int64(value.first?.rawValue ?? 1)))
    let rendered = value.prefix(RenderLimits.storedElements).map { enumValue($0, fieldNumber: fieldNumber) }
    add(fieldNumber, probe, .list(rendered, total: value.count))
  }
  mutating func visitRepeatedMessageField<N: Message>(value: [N], fieldNumber: Int) throws {
    let rendered = value.prefix(RenderLimits.storedElements).map { nested($0) }
    add(fieldNumber, .message, .list(rendered, total: value.count))
  }
  mutating func visitRepeatedGroupField<G: Message>(value: [G], fieldNumber: Int) throws {
    let rendered = value.prefix(RenderLimits.storedElements).map { nested($0) }
    add(fieldNumber, .group, .list(rendered, total: value.count))
  }

  // MARK: Maps

  mutating func visitMapField<KeyType, ValueType: MapValueType>(
    fieldType: _ProtobufMap<KeyType, ValueType>.Type,
    value: _ProtobufMap<KeyType, ValueType>.BaseType,
    fieldNumber: Int
  ) throws {
    let rendered = mapEntries(value) { anyValue($0) }
    add(fieldNumber, .message, rendered)
  }

  mutating func visitMapField<KeyType, ValueType>(
    fieldType: _ProtobufEnumMap<KeyType, ValueType>.Type,
    value: _ProtobufEnumMap<KeyType, ValueType>.BaseType,
    fieldNumber: Int
  ) throws where ValueType.RawValue == Int {
    let rendered = mapEntries(value) { .scalar(String($0.rawValue)) }
    add(fieldNumber, .message, rendered)
  }

  mutating func visitMapField<KeyType, ValueType>(
    fieldType: _ProtobufMessageMap<KeyType, ValueType>.Type,
    value: _ProtobufMessageMap<KeyType, ValueType>.BaseType,
    fieldNumber: Int
  ) throws {
    let rendered = mapEntries(value) { nested($0) }
    add(fieldNumber, .message, rendered)
  }

  // MARK: Unknown fields

  mutating func visitUnknown(bytes: Data) throws {
    guard let raw = RawProtoDecoder.decode(Array(bytes)) else {
      if budget.take() {
        fields.append(RenderedField(name: "(unknown fields)", value: Self.bytes(bytes)))
      } else {
        omittedFields += 1
      }
      return
    }
    for field in raw.fields {
      guard budget.take() else {
        omittedFields += 1
        continue
      }
      fields.append(field)
    }
    omittedFields += raw.omittedFields
  }
}
