import SwiftProtobuf
import Synchronization

/// Looks up protobuf field and enum value names through public SwiftProtobuf API only.
///
/// SwiftProtobuf keeps its name tables internal, so a name is found by decoding a tiny
/// message holding only that field (with a value of the right wire type) and reading the
/// first token of its text format. Results are cached per message type and field.
final class FieldNameCache: Sendable {
  /// How to encode a probe value for a field.
  enum Probe: Hashable, Sendable {
    /// Varint wire type with this value (ints, bools, enums).
    case varint(UInt64)
    /// 32-bit wire type (fixed32, sfixed32, float).
    case fixed32
    /// 64-bit wire type (fixed64, sfixed64, double).
    case fixed64
    /// Length-delimited with one byte of content (string, bytes).
    case text
    /// Length-delimited and empty (message, map entry).
    case message
    /// START_GROUP/END_GROUP pair (proto2 groups).
    case group
  }

  private struct Key: Hashable {
    var type: ObjectIdentifier
    var fieldNumber: Int
    var probe: Probe
  }

  /// Entries kept before the cache starts over.
  private static let maxEntries = 20_000

  /// The process-wide cache.
  static let shared = FieldNameCache()

  private let lines = Mutex<[Key: String?]>([:])

  /// The proto field name of `fieldNumber` in `type`, or nil if it cannot be determined.
  ///
  /// For varint fields pass the actual value when it is an enum value (proto2 enums reject
  /// unknown values, which would hide the name); other varint values are normalised.
  func fieldName<M: Message>(_ type: M.Type, fieldNumber: Int, probe: Probe) -> String? {
    if let name = cachedLine(type, fieldNumber: fieldNumber, probe: probe).flatMap(Self.leadingName),
      name.first?.isNumber == false
    {
      return name
    }
    if case .varint(let value) = probe, value != 1 {
      return fieldName(type, fieldNumber: fieldNumber, probe: .varint(1))
    }
    return nil
  }

  /// The proto name of enum value `rawValue` of the enum field `fieldNumber` in `type`.
  func enumValueName<M: Message>(_ type: M.Type, fieldNumber: Int, rawValue: Int) -> String? {
    let probe = Probe.varint(UInt64(bitPattern: Int64(rawValue)))
    return cachedLine(type, fieldNumber: fieldNumber, probe: probe).flatMap(Self.valueText)
  }

  private func cachedLine<M: Message>(_ type: M.Type, fieldNumber: Int, probe: Probe) -> String? {
    let key = Key(type: ObjectIdentifier(type), fieldNumber: fieldNumber, probe: probe)
    if let cached = lines.withLock({ $0[key] }) { return cached }
    let line = probeLine(type, fieldNumber: fieldNumber, probe: probe)
    lines.withLock {
      if $0.count >= Self.maxEntries { $0.removeAll() }  // hostile input: many enum values
      $0[key] = line
    }
    return line
  }

  /// The first line of the text format of a message holding only the probed field.
  private func probeLine<M: Message>(_ type: M.Type, fieldNumber: Int, probe: Probe) -> String? {
    guard fieldNumber > 0, fieldNumber <= 0x1fff_ffff else { return nil }
    var bytes: [UInt8] = []
    func varint(_ value: UInt64) {
      var value = value
      while value >= 0x80 {
        bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
        value >>= 7
      }
      bytes.append(UInt8(value))
    }
    let number = UInt64(fieldNumber) << 3
    switch probe {
    case .varint(let value):
      varint(number | 0)
      varint(value)
    case .fixed64:
      varint(number | 1)
      bytes += [1, 0, 0, 0, 0, 0, 0, 0]
    case .text:
      varint(number | 2)
      bytes += [1, UInt8(ascii: "a")]
    case .message:
      varint(number | 2)
      bytes.append(0)
    case .group:
      varint(number | 3)
      varint(number | 4)
    case .fixed32:
      varint(number | 5)
      bytes += [1, 0, 0, 0]
    }
    guard let message = try? M(serializedBytes: bytes, partial: true) else { return nil }
    let text = message.textFormatString()
    return text.split(separator: "\n", omittingEmptySubsequences: true).first.map {
      String($0.drop(while: { $0 == " " }))
    }
  }

  /// `key: "a"` → `key`; `sub {` → `sub`; `[ext.name]: 1` → `[ext.name]`.
  private static func leadingName(_ line: String) -> String? {
    let name = line.prefix { $0 != ":" && $0 != " " && $0 != "{" }
    return name.isEmpty ? nil : String(name)
  }

  /// `status: SERVING` → `SERVING` (nil when the value is a number, i.e. not a known name).
  private static func valueText(_ line: String) -> String? {
    guard let colon = line.firstIndex(of: ":") else { return nil }
    let value = line[line.index(after: colon)...].trimmingPrefixSpaces()
    guard let first = value.first, first.isLetter || first == "_" else { return nil }
    return String(value)
  }
}

extension Substring {
  fileprivate func trimmingPrefixSpaces() -> Substring { drop(while: { $0 == " " }) }
}
