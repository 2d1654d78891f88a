/// A message decoded by descriptor: what the wire held, by field, with names and types.
///
/// The common form behind the frame log's summary and tree (`DynamicRendering`) and the
/// protobuf JSON mapping (`DynamicJSON`).
struct DynamicMessage: Sendable {
  /// Full type name (no leading dot).
  var typeName: String
  /// Known fields in field-number order, then unknown fields in wire order.
  var fields: [DynamicField]
  /// Fields or elements dropped because a limit was reached.
  var omitted: Int = 0
  /// Nested deeper than the decode's `maxDepth`: its fields were not decoded (`omitted` is 1).
  var depthCut = false

  /// The field with `name`, if present.
  func field(_ name: String) -> DynamicField? { fields.first { $0.name == name && !$0.isUnknown } }
}

/// One field of a `DynamicMessage`.
struct DynamicField: Sendable {
  /// Field number.
  var number: Int
  /// Proto field name; the number as text for unknown fields.
  var name: String
  /// JSON name (`json_name`, else lowerCamelCase of the name).
  var jsonName: String
  /// The oneof this field is the chosen member of.
  var oneof: String?
  /// The value.
  var value: DynamicValue
  /// Whether the descriptor does not know this field number (or its wire type did not match).
  var isUnknown = false
}

/// A decoded value.
indirect enum DynamicValue: Sendable {
  case signed(Int64, is64: Bool)
  case unsigned(UInt64, is64: Bool)
  case float(Float)
  case double(Double)
  case bool(Bool)
  /// A string; `total` is the full UTF-8 length when the text was cut.
  case string(String, total: Int)
  /// Bytes; `total` is the full count when only a prefix was kept.
  case bytes([UInt8], total: Int)
  /// Bytes that hold a payload in another encoding (a Terraform `DynamicValue`'s `msgpack` or
  /// `json`), read as `text`; `bytes` as for `.bytes`.
  case payload(format: String, text: String, bytes: [UInt8], total: Int)
  /// An enum value: its type, number and name when the number is declared.
  case enumValue(type: String, number: Int32, name: String?)
  case message(DynamicMessage)
  /// A repeated field's elements (`total` counts the ones not kept too).
  case list([DynamicValue], total: Int)
  /// A map field's entries in wire order, the last of equal keys kept.
  case map([DynamicMapEntry], total: Int)
  /// An unknown field, rendered schemaless.
  case raw(RenderedValue)
}

/// One entry of a map field.
struct DynamicMapEntry: Sendable {
  var key: DynamicValue
  var value: DynamicValue
}

/// Bounds on what a descriptor decode keeps.
public struct DynamicDecodeLimits: Sendable {
  /// Characters of a string kept.
  public var stringCharacters: Int
  /// Bytes of a bytes field kept.
  public var bytesPrefix: Int
  /// Elements of one repeated or map field kept.
  public var elements: Int
  /// Fields and elements kept across the whole message.
  public var totalNodes: Int
  /// Levels of nested messages decoded; a message deeper is kept empty and marked `depthCut`.
  public var maxDepth: Int = RenderLimits.maxDepth

  /// The frame log's limits (`RenderLimits`).
  public static let display = DynamicDecodeLimits(
    stringCharacters: RenderLimits.storedStringCharacters, bytesPrefix: RenderLimits.storedBytesPrefix,
    elements: RenderLimits.storedElements, totalNodes: RenderLimits.totalNodes)

  /// Everything (console `call` results): only hostile sizes are cut; messages are decoded as
  /// deep as a `call` request may be written (`DynamicEncoder.maxDepth`, 100 levels).
  public static let complete = DynamicDecodeLimits(
    stringCharacters: 1 << 24, bytesPrefix: 1 << 24, elements: 1 << 20, totalNodes: 1 << 20,
    maxDepth: DynamicEncoder.maxDepth)
}
