import Foundation
import TestSupport
import Testing

@testable import WireTap

/// Mutated bytes of described messages through the descriptor decoder: it must never trap or
/// hang, and every input gets a record (described, or schemaless with a note).
@Suite("Descriptor decoder: robustness")
struct DescriptorDecoderFuzzTests {
  static let rounds = 4_000

  static func mutate(_ bytes: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
    var bytes = bytes
    switch Int.random(in: 0..<6, using: &rng) {
    case 0 where !bytes.isEmpty:
      for _ in 0..<Int.random(in: 1...6, using: &rng) {
        let index = Int.random(in: 0..<bytes.count, using: &rng)
        bytes[index] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
      }
    case 1 where !bytes.isEmpty:
      bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
    case 2:
      let index = Int.random(in: 0...bytes.count, using: &rng)
      bytes.insert(
        contentsOf: (0..<Int.random(in: 1...12, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) },
        at: index)
    case 3 where !bytes.isEmpty:
      let index = Int.random(in: 0..<bytes.count, using: &rng)
      bytes[index] = [0x00, 0x02, 0x0a, 0x7f, 0x80, 0xff].randomElement(using: &rng) ?? 0
    case 4 where !bytes.isEmpty:
      let start = Int.random(in: 0..<bytes.count, using: &rng)
      let end = min(bytes.count, start + Int.random(in: 1...32, using: &rng))
      bytes.insert(contentsOf: bytes[start..<end], at: Int.random(in: 0...bytes.count, using: &rng))
    default:
      bytes += bytes
    }
    return bytes
  }

  @Test func mutatedDescribedMessagesNeverTrapOrHang() async throws {
    let cases = try await ProtocCases.get()
    let seeds = cases.cases.values.sorted { $0.name < $1.name }
    let counts = try await withTimeout(600, "fuzzing the descriptor decoder") {
      await onOwnThread { Self.fuzz(cases, seeds) }
    }
    #expect(counts.0 + counts.1 == Self.rounds)
    #expect(counts.0 > 0)
    #expect(counts.1 > 0)
  }

  /// Decodes `rounds` mutated seeds (blocking: run it on a thread of its own).
  static func fuzz(_ cases: ProtocCases, _ seeds: [ProtocCases.Case]) -> (Int, Int) {
    var rng = SeededGenerator(seed: 0x5C4E_3A5)
    var described = 0
    var schemaless = 0
    for round in 0..<Self.rounds {
      let seed = seeds[round % seeds.count]
      let bytes = Self.mutate(seed.bytes, using: &rng)
      guard let schema = cases.registry.message(seed.type) else { continue }
      if let message = DynamicDecoder.decode(bytes, as: schema, registry: cases.registry, limits: .display) {
        described += 1
        _ = MessageRendering.summary(DynamicRendering.rendered(message))
        _ = DynamicJSON.json(message).text
      } else {
        schemaless += 1
      }
      _ = cases.registry.json(of: bytes, type: seed.type)
    }
    return (described, schemaless)
  }

  @Test func deeplyNestedMessageIsCut() async throws {
    let cases = try await ProtocCases.get()
    let schema = try #require(cases.registry.message("features.v1.Inner"))
    var bytes: [UInt8] = [0x10, 0x01]
    for _ in 0..<200 {
      var length: [UInt8] = []
      var value = UInt64(bytes.count)
      while value >= 0x80 {
        length.append(UInt8(value & 0x7f) | 0x80)
        value >>= 7
      }
      length.append(UInt8(value))
      bytes = [0x1a] + length + bytes
    }
    let message = try #require(DynamicDecoder.decode(bytes, as: schema, registry: cases.registry))
    #expect(MessageRendering.summary(DynamicRendering.rendered(message)).contains("{…}"))
  }
}
