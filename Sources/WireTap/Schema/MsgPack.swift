/// MessagePack as go-cty writes a Terraform `DynamicValue` (tfplugin5/6 `msgpack` bytes), read
/// into text a person reads as JSON: maps, arrays, strings, numbers (cty writes a whole number as
/// an int, another as a float64, and one too precise for either as a string), bools and nil; an
/// unknown value (extension 0) is `(unknown)`, any other extension `(ext N: M bytes)`; binary
/// (a cty dynamic value's type) is shown as its UTF-8 text when it is text.
///
/// Pure and bounded: nesting, elements and output length are capped (a cut says `…`), and bytes
/// that are not MessagePack give nil.
public enum MsgPack {
  /// How much one rendering may hold.
  public struct Limits: Sendable {
    /// Nesting depth read at most.
    public var depth = 32
    /// Characters of output at most.
    public var characters = 4096

    /// The default limits.
    public init() {}
  }

  /// `bytes` as JSON-like text, or nil when they are not one complete MessagePack value.
  public static func render(_ bytes: [UInt8], limits: Limits = Limits()) -> String? {
    var reader = Reader(bytes: bytes, limits: limits)
    guard reader.value(depth: 0), reader.index == bytes.count else { return nil }
    return reader.cut ? reader.out + "…" : reader.out
  }

  private struct Reader {
    let bytes: [UInt8]
    let limits: Limits
    var index = 0
    var out = ""
    var cut = false

    init(bytes: [UInt8], limits: Limits) {
      self.bytes = bytes
      self.limits = limits
    }

    mutating func emit(_ text: String) {
      guard !cut else { return }
      if out.count + text.count > limits.characters {
        out += text.prefix(max(0, limits.characters - out.count))
        cut = true
      } else {
        out += text
      }
    }

    mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
      guard count >= 0, count <= bytes.count - index else { return nil }
      defer { index += count }
      return bytes[index..<index + count]
    }

    mutating func unsigned(_ size: Int) -> UInt64? {
      guard let slice = take(size) else { return nil }
      return slice.reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func signed(_ size: Int) -> Int64? {
      guard let value = unsigned(size) else { return nil }
      let shift = UInt64(64 - size * 8)
      return Int64(bitPattern: value << shift) >> Int64(shift)
    }

    /// Reads one value; false when the bytes end early or hold a reserved byte.
    mutating func value(depth: Int) -> Bool {
      guard depth <= limits.depth, let byte = take(1)?.first else { return false }
      switch byte {
      case 0x00...0x7f: emit(String(byte))
      case 0xe0...0xff: emit(String(Int8(bitPattern: byte)))
      case 0x80...0x8f: return map(count: Int(byte & 0x0f), depth: depth)
      case 0x90...0x9f: return array(count: Int(byte & 0x0f), depth: depth)
      case 0xa0...0xbf: return string(count: Int(byte & 0x1f))
      case 0xc0: emit("null")
      case 0xc2: emit("false")
      case 0xc3: emit("true")
      case 0xc4, 0xc5, 0xc6:
        guard let count = unsigned(1 << Int(byte - 0xc4)) else { return false }
        return binary(count: Int(count))
      case 0xc7, 0xc8, 0xc9:
        guard let count = unsigned(1 << Int(byte - 0xc7)) else { return false }
        return ext(count: Int(count))
      case 0xca:
        guard let bits = unsigned(4) else { return false }
        emit(Self.number(Double(Float(bitPattern: UInt32(bits)))))
      case 0xcb:
        guard let bits = unsigned(8) else { return false }
        emit(Self.number(Double(bitPattern: bits)))
      case 0xcc, 0xcd, 0xce, 0xcf:
        guard let value = unsigned(1 << Int(byte - 0xcc)) else { return false }
        emit(String(value))
      case 0xd0, 0xd1, 0xd2, 0xd3:
        guard let value = signed(1 << Int(byte - 0xd0)) else { return false }
        emit(String(value))
      case 0xd4, 0xd5, 0xd6, 0xd7, 0xd8: return ext(count: 1 << Int(byte - 0xd4))
      case 0xd9, 0xda, 0xdb:
        guard let count = unsigned(1 << Int(byte - 0xd9)) else { return false }
        return string(count: Int(count))
      case 0xdc, 0xdd:
        guard let count = unsigned(byte == 0xdc ? 2 : 4) else { return false }
        return array(count: Int(count), depth: depth)
      case 0xde, 0xdf:
        guard let count = unsigned(byte == 0xde ? 2 : 4) else { return false }
        return map(count: Int(count), depth: depth)
      default: return false  // 0xc1 is never used
      }
      return true
    }

    mutating func string(count: Int) -> Bool {
      guard let slice = take(count) else { return false }
      emit(Self.quoted(String(decoding: slice, as: UTF8.self)))
      return true
    }

    mutating func binary(count: Int) -> Bool {
      guard let slice = take(count) else { return false }
      if let text = String(validating: slice, as: UTF8.self) {
        emit(Self.quoted(text))
      } else {
        emit("(\(count) bytes)")
      }
      return true
    }

    mutating func ext(count: Int) -> Bool {
      guard let type = take(1)?.first, take(count) != nil else { return false }
      // go-cty: extension 0 is an unknown value; 12 an unknown value with refinements.
      emit(type == 0 || type == 12 ? "(unknown)" : "(ext \(Int8(bitPattern: type)): \(count) bytes)")
      return true
    }

    mutating func array(count: Int, depth: Int) -> Bool {
      // Each element takes a byte at least: a count past the bytes left is not MessagePack.
      guard count <= bytes.count - index else { return false }
      emit("[")
      for element in 0..<count {
        if element > 0 { emit(",") }
        guard value(depth: depth + 1) else { return false }
      }
      emit("]")
      return true
    }

    mutating func map(count: Int, depth: Int) -> Bool {
      guard count <= (bytes.count - index) / 2 else { return false }
      emit("{")
      for entry in 0..<count {
        if entry > 0 { emit(",") }
        guard value(depth: depth + 1) else { return false }
        emit(":")
        guard value(depth: depth + 1) else { return false }
      }
      emit("}")
      return true
    }

    static func number(_ value: Double) -> String {
      if value.isNaN || value.isInfinite { return "\"\(value)\"" }
      if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
      return String(value)
    }

    /// `text` as a JSON string, escaped as the JSON export escapes it.
    static func quoted(_ text: String) -> String { JSONValue.string(text).text }
  }
}
