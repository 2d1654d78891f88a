import Foundation
import SwiftProtobuf

/// Numbers and booleans from protobuf JSON (numbers or strings holding numbers; `NaN`,
/// `Infinity`, `-Infinity` for floats) written as their field type.
enum ScalarJSON {
  typealias Failure = DynamicEncoder.Failure

  static func write(
    _ value: JSONValue, type: Google_Protobuf_FieldDescriptorProto.TypeEnum, number: Int, path: String,
    into out: inout WireWriter
  ) throws(Failure) {
    switch type {
    case .bool:
      guard case .bool(let flag) = value else {
        throw Failure(path: path, reason: "expected true or false, got \(DynamicEncoder.kind(value))")
      }
      out.tag(number, wireType: 0)
      out.varint(flag ? 1 : 0)
    case .int32, .sint32, .sfixed32:
      let v = try integer(value, path: path, min: Int64(Int32.min), max: Int64(Int32.max), what: "a 32-bit integer")
      switch type {
      case .int32:
        out.tag(number, wireType: 0)
        out.varint(UInt64(bitPattern: v))
      case .sint32:
        out.tag(number, wireType: 0)
        let n = Int32(v)
        out.varint(UInt64(UInt32(bitPattern: (n << 1) ^ (n >> 31))))
      default:
        out.tag(number, wireType: 5)
        out.fixed32(UInt32(bitPattern: Int32(v)))
      }
    case .int64, .sint64, .sfixed64:
      let v = try integer(value, path: path, min: Int64.min, max: Int64.max, what: "a 64-bit integer")
      switch type {
      case .int64:
        out.tag(number, wireType: 0)
        out.varint(UInt64(bitPattern: v))
      case .sint64:
        out.tag(number, wireType: 0)
        out.varint(UInt64(bitPattern: (v << 1) ^ (v >> 63)))
      default:
        out.tag(number, wireType: 1)
        out.fixed64(UInt64(bitPattern: v))
      }
    case .uint32, .fixed32:
      let v = try unsigned(value, path: path, max: UInt64(UInt32.max), what: "an unsigned 32-bit integer")
      if type == .uint32 {
        out.tag(number, wireType: 0)
        out.varint(v)
      } else {
        out.tag(number, wireType: 5)
        out.fixed32(UInt32(v))
      }
    case .uint64, .fixed64:
      let v = try unsigned(value, path: path, max: UInt64.max, what: "an unsigned 64-bit integer")
      if type == .uint64 {
        out.tag(number, wireType: 0)
        out.varint(v)
      } else {
        out.tag(number, wireType: 1)
        out.fixed64(v)
      }
    case .float:
      let v = try floating(value, path: path, what: "a float")
      guard v.isNaN || v.isInfinite || abs(v) <= Double(Float.greatestFiniteMagnitude) else {
        throw Failure(path: path, reason: "\(numberText(value) ?? String(v)) is out of range for a float")
      }
      out.tag(number, wireType: 5)
      out.fixed32(Float(v).bitPattern)
    case .double:
      out.tag(number, wireType: 1)
      out.fixed64(try floating(value, path: path, what: "a double").bitPattern)
    default:
      throw Failure(path: path, reason: "unsupported field type \(type)")
    }
  }

  /// The number text of a JSON number or of a string holding one.
  private static func numberText(_ value: JSONValue) -> String? {
    switch value {
    case .number(let text): return text
    case .string(let text): return text.trimmingCharacters(in: .whitespaces)
    default: return nil
    }
  }

  static func integer(_ value: JSONValue, path: String, min: Int64, max: Int64, what: String) throws(Failure) -> Int64 {
    guard let text = numberText(value) else {
      throw Failure(path: path, reason: "expected \(what), got \(DynamicEncoder.kind(value))")
    }
    if let exact = Int64(text), exact >= min, exact <= max { return exact }
    if let double = Double(text), double.rounded() == double, double >= Double(min), double <= Double(max),
      abs(double) < 9.2e18
    {
      return Int64(double)
    }
    throw Failure(path: path, reason: "expected \(what), got \(DynamicEncoder.kind(value))")
  }

  static func unsigned(_ value: JSONValue, path: String, max: UInt64, what: String) throws(Failure) -> UInt64 {
    guard let text = numberText(value) else {
      throw Failure(path: path, reason: "expected \(what), got \(DynamicEncoder.kind(value))")
    }
    if let exact = UInt64(text), exact <= max { return exact }
    if let double = Double(text), double.rounded() == double, double >= 0, double <= Double(max), double < 1.8e19 {
      return UInt64(double)
    }
    throw Failure(path: path, reason: "expected \(what), got \(DynamicEncoder.kind(value))")
  }

  /// A float or double: a number, or `"NaN"`, `"Infinity"`, `"-Infinity"`; a number too large for
  /// a double (`1e400`) is out of range, as `3.5e38` is for a float, never read as infinity.
  static func floating(_ value: JSONValue, path: String, what: String) throws(Failure) -> Double {
    switch value {
    case .string("NaN"): return .nan
    case .string("Infinity"): return .infinity
    case .string("-Infinity"): return -.infinity
    default:
      guard let text = numberText(value), let double = Double(text) else {
        throw Failure(path: path, reason: "expected a number, got \(DynamicEncoder.kind(value))")
      }
      guard !double.isInfinite else {
        throw Failure(path: path, reason: "\(text) is out of range for \(what) (write \"Infinity\" for infinity)")
      }
      return double
    }
  }
}
