import Foundation
import TestSupport
import Testing

@testable import WireTap

/// Feeds many mutated copies of the synthetic session through `ConnectionDecoder`.
/// The decoder must never trap, hang or throw; each input is decoded from a fresh state.
@Suite("Connection decoder: robustness")
struct ConnectionDecoderFuzzTests {
  /// Inputs per run: 30,000 (about 15 CPU-seconds in a debug build); `PLUGIN_DEV_FUZZ_INPUTS`
  /// asks for more, e.g. a million for a long local run.
  static let inputCount =
    ProcessInfo.processInfo.environment["PLUGIN_DEV_FUZZ_INPUTS"].flatMap { Int($0) }.map { max(2, $0) } ?? 30_000

  enum Mutation: CaseIterable {
    case bitFlips, truncation, insertion, deletion, garbage, duplicateRange, frameLengthPoke, splice
  }

  struct Input {
    var host: [UInt8]
    var plugin: [UInt8]
  }

  static func mutate(_ bytes: [UInt8], other: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
    var bytes = bytes
    guard !bytes.isEmpty else { return bytes }
    switch Mutation.allCases.randomElement(using: &rng) ?? .bitFlips {
    case .bitFlips:
      for _ in 0..<Int.random(in: 1...8, using: &rng) {
        let index = Int.random(in: 0..<bytes.count, using: &rng)
        bytes[index] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)
      }
    case .truncation:
      bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
    case .insertion:
      let index = Int.random(in: 0...bytes.count, using: &rng)
      let count = Int.random(in: 1...16, using: &rng)
      bytes.insert(contentsOf: (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: index)
    case .deletion:
      let start = Int.random(in: 0..<bytes.count, using: &rng)
      let end = min(bytes.count, start + Int.random(in: 1...16, using: &rng))
      bytes.removeSubrange(start..<end)
    case .garbage:
      let count = Int.random(in: 0...200, using: &rng)
      let garbage = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
      bytes =
        Bool.random(using: &rng) ? garbage : Array(bytes.prefix(Int.random(in: 0...bytes.count, using: &rng))) + garbage
    case .duplicateRange:
      let start = Int.random(in: 0..<bytes.count, using: &rng)
      let end = min(bytes.count, start + Int.random(in: 1...64, using: &rng))
      bytes.insert(contentsOf: bytes[start..<end], at: Int.random(in: 0...bytes.count, using: &rng))
    case .frameLengthPoke:
      // Overwrite one byte with a value that often lands in a length, type or flags field.
      let index = Int.random(in: 0..<bytes.count, using: &rng)
      bytes[index] = [0x00, 0x01, 0x04, 0x08, 0x09, 0x20, 0x7f, 0x80, 0xff].randomElement(using: &rng) ?? 0
    case .splice:
      let cut = Int.random(in: 0...bytes.count, using: &rng)
      let otherCut = Int.random(in: 0...other.count, using: &rng)
      bytes = Array(bytes[..<cut]) + Array(other[otherCut...])
    }
    return bytes
  }

  /// Decodes one input, feeding random chunk sizes and alternating directions.
  static func run(_ input: Input, registry: MessageRegistry, using rng: inout SeededGenerator) -> Int {
    var decoder = ConnectionDecoder(registry: registry)
    var host = input.host[...]
    var plugin = input.plugin[...]
    let time = Date(timeIntervalSince1970: 0)
    var records = 0
    while !host.isEmpty || !plugin.isEmpty {
      let useHost = plugin.isEmpty || (!host.isEmpty && Bool.random(using: &rng))
      let size = Int.random(in: 1...64, using: &rng)
      if useHost {
        let chunk = host.prefix(size)
        host = host.dropFirst(size)
        records += decoder.feed(Array(chunk), direction: .hostToPlugin, at: time).count
      } else {
        let chunk = plugin.prefix(size)
        plugin = plugin.dropFirst(size)
        records += decoder.feed(Array(chunk), direction: .pluginToHost, at: time).count
      }
    }
    return records
  }

  @Test func mutatedSessionsNeverCrash() async throws {
    // Huffman decoding lives in NIOHPACK and is slow in debug builds, so most inputs derive
    // from a session with plain header strings; a quarter keep Huffman coding.
    let huffman = try SyntheticSession.make(huffman: true)
    let plain = try SyntheticSession.make(huffman: false)
    let bases = [
      (huffman.bytes(.hostToPlugin), huffman.bytes(.pluginToHost)),
      (plain.bytes(.hostToPlugin), plain.bytes(.pluginToHost)),
    ]
    let registry = SyntheticSession.registry
    // One worker on a thread of its own: on a 2-core machine the shared test threads stay free
    // for the suites that wait on processes and sockets, and one core stays free to run them.
    let workers = 1
    let perWorker = Self.inputCount / workers
    let totals = try await withTimeout(300, "fuzzing") {
      await withTaskGroup(of: (inputs: Int, records: Int).self) { group in
        for worker in 0..<workers {
          group.addTask {
            await onOwnThread {
              var rng = SeededGenerator(seed: 0x5EED_0000 + UInt64(worker))
              var records = 0
              for _ in 0..<perWorker {
                let (host, plugin) = bases[Int.random(in: 0..<4, using: &rng) == 0 ? 0 : 1]
                var input = Input(host: host, plugin: plugin)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: input.host = Self.mutate(host, other: plugin, using: &rng)
                case 1: input.plugin = Self.mutate(plugin, other: host, using: &rng)
                case 2:
                  input.host = Self.mutate(host, other: plugin, using: &rng)
                  input.plugin = Self.mutate(plugin, other: host, using: &rng)
                default:
                  // Several stacked mutations on one side.
                  for _ in 0..<3 { input.host = Self.mutate(input.host, other: plugin, using: &rng) }
                }
                records += Self.run(input, registry: registry, using: &rng)
              }
              return (perWorker, records)
            }
          }
        }
        var inputs = 0
        var records = 0
        for await result in group {
          inputs += result.inputs
          records += result.records
        }
        return (inputs, records)
      }
    }
    #expect(totals.0 == Self.inputCount)
    #expect(totals.1 > Self.inputCount)
  }

  @Test func pureGarbageOfManySizes() async {
    await onOwnThread {
      var rng = SeededGenerator(seed: 99)
      for size in [0, 1, 8, 9, 23, 24, 25, 100, 1000, 20_000] {
        for _ in 0..<20 {
          let garbage = (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) }
          _ = Self.run(
            Input(host: HTTP2FrameParser.clientPreface + garbage, plugin: garbage),
            registry: SyntheticSession.registry, using: &rng)
        }
      }
    }
  }

  @Test func hugeDeclaredFrameLengthJustWaits() {
    var decoder = ConnectionDecoder()
    let header: [UInt8] = [0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01]
    #expect(decoder.feed(header + Array(repeating: 0, count: 1000), direction: .pluginToHost, at: Date()).isEmpty)
  }
}
