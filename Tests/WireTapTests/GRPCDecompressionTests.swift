import Foundation
import NIOHPACK
import Testing

@testable import WireTap

@Suite("gRPC messages with grpc-encoding gzip are inflated before decoding")
struct GRPCDecompressionTests {
  /// `BytesValue {value: "hello " × 50}` (303 bytes), gzip-compressed by Python's gzip module (mtime 0).
  static let gzipped: [UInt8] = [
    0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xe3, 0x5a, 0xc3, 0x94, 0x91, 0x9a, 0x93, 0x93, 0xaf,
    0x30, 0x4a, 0x12, 0x43, 0x02, 0x00, 0x0e, 0x98, 0x5b, 0x36, 0x2f, 0x01, 0x00, 0x00,
  ]
  static let plain: [UInt8] = [0x0a, 0xac, 0x02] + Array(String(repeating: "hello ", count: 50).utf8)

  @Test func gzipInflates() {
    let payload = GRPCDecompression.payload(.init(compressed: true, bytes: Self.gzipped), encoding: "gzip")
    #expect(payload.bytes == Self.plain)
    #expect(!payload.stillCompressed)
    #expect(payload.note == "gzip compressed: 33 bytes on the wire, 303 decompressed")
  }

  @Test func anUncompressedMessageIsUntouched() {
    let payload = GRPCDecompression.payload(.init(compressed: false, bytes: Self.plain), encoding: "gzip")
    #expect(payload == .init(bytes: Self.plain, stillCompressed: false, note: nil))
  }

  @Test func whatDoesNotInflateStaysCompressedWithAReason() {
    let cut = GRPCDecompression.payload(
      .init(compressed: true, bytes: Array(Self.gzipped.prefix(20))), encoding: "gzip")
    #expect(cut.stillCompressed && cut.bytes.count == 20)
    #expect(cut.note?.contains("does not decompress: the data ends early") == true, "\(cut.note ?? "")")
    let junk = GRPCDecompression.payload(.init(compressed: true, bytes: [1, 2, 3, 4, 5, 6, 7, 8]), encoding: "gzip")
    #expect(junk.stillCompressed)
    #expect(junk.note?.contains("does not decompress") == true)
    let snappy = GRPCDecompression.payload(.init(compressed: true, bytes: Self.gzipped), encoding: "snappy")
    #expect(snappy.stillCompressed)
    #expect(snappy.note == "compressed with grpc-encoding snappy; the tap decompresses only gzip and deflate")
  }

  @Test func inflatingStopsAtTheLimit() {
    let payload = GRPCDecompression.payload(.init(compressed: true, bytes: Self.gzipped), encoding: "gzip", limit: 100)
    #expect(payload.stillCompressed)
    #expect(payload.note?.contains("more than 100 bytes once decompressed") == true)
  }

  /// A response stream announcing `grpc-encoding: gzip`: the DATA frame's message is decoded with its type.
  @Test func theFrameLogShowsTheDecodedMessage() throws {
    var decoder = ConnectionDecoderTests.started()
    var host = BlockEncoder()
    var plugin = BlockEncoder()
    _ = decoder.feed(
      FrameBuilder.headers(stream: 1, block: try host.encode(FrameBuilder.requestHeaders(path: SyntheticSession.path))),
      direction: .hostToPlugin, at: ConnectionDecoderTests.time)
    let response = try plugin.encode([":status": "200", "content-type": "application/grpc", "grpc-encoding": "gzip"])
    let records = decoder.feed(
      FrameBuilder.headers(stream: 1, block: response)
        + FrameBuilder.data(stream: 1, FrameBuilder.grpc(Self.gzipped, compressed: true)),
      direction: .pluginToHost, at: ConnectionDecoderTests.time)
    let message = try #require(records.last?.messages.first)
    #expect(message.typeName == "google.protobuf.BytesValue")
    #expect(message.compressed)
    #expect(!message.schemaless)
    #expect(message.summary.contains("hello hello"), "\(message.summary)")
    #expect(message.note == "gzip compressed: 33 bytes on the wire, 303 decompressed")
  }
}
