import Foundation
import NIOHPACK
import SwiftProtobuf

@testable import WireTap

/// A KV-like gRPC session captured as chunks in the order a tap would see them.
struct SyntheticSession {
  struct Chunk {
    var direction: Direction
    var bytes: [UInt8]
  }

  static let path = "/x.Svc/Method"

  var chunks: [Chunk] = []

  /// Summaries `ConnectionDecoder` must produce, one per record, prefixed with the arrow.
  static let expectedSummaries = [
    "> PREFACE PRI * HTTP/2.0 (client connection preface)",
    "> SETTINGS ENABLE_PUSH=0 INITIAL_WINDOW_SIZE=1048576",
    "< SETTINGS MAX_FRAME_SIZE=16384 INITIAL_WINDOW_SIZE=65535",
    "< SETTINGS ack",
    "> SETTINGS ack",
    "> HEADERS /x.Svc/Method",
    "> DATA StringValue {value: \"hello\"}",
    "< WINDOW_UPDATE +5",
    "< PING 02041010090e0707",
    "> PING ack 02041010090e0707",
    "< HEADERS (response) :status=200",
    "< DATA BytesValue {value: 5 bytes \"world\"}",
    "< HEADERS (trailers) grpc-status=0 grpc-message=\"ok ✓ 100%\"",
    "> HEADERS /x.Svc/Method",
    "> RST_STREAM CANCEL",
    "< GOAWAY ENHANCE_YOUR_CALM last=3",
  ]

  static var registry: MessageRegistry {
    var registry = MessageRegistry()
    registry.register(path: path, request: Google_Protobuf_StringValue.self, response: Google_Protobuf_BytesValue.self)
    return registry
  }

  /// Builds the session (Huffman-coded header strings unless `huffman` is false). Throws
  /// only if HPACK encoding fails (it does not).
  static func make(huffman: Bool = true) throws -> SyntheticSession {
    var session = SyntheticSession()
    var hostEncoder = BlockEncoder(useHuffman: huffman)
    var pluginEncoder = BlockEncoder(useHuffman: huffman)
    func add(_ direction: Direction, _ bytes: [UInt8]) {
      session.chunks.append(Chunk(direction: direction, bytes: bytes))
    }

    add(
      .hostToPlugin,
      HTTP2FrameParser.clientPreface + FrameBuilder.settings([(.enablePush, 0), (.initialWindowSize, 1 << 20)]))
    add(
      .pluginToHost,
      FrameBuilder.settings([(.maxFrameSize, 16384), (.initialWindowSize, 65535)]) + FrameBuilder.settingsAck())
    add(.hostToPlugin, FrameBuilder.settingsAck())

    let request = try hostEncoder.encode(FrameBuilder.requestHeaders(path: path))
    add(.hostToPlugin, FrameBuilder.headers(stream: 1, block: request))
    let hello = try Google_Protobuf_StringValue.with { $0.value = "hello" }.serializedBytes() as [UInt8]
    add(.hostToPlugin, FrameBuilder.data(stream: 1, endStream: true, FrameBuilder.grpc(hello)))

    add(.pluginToHost, FrameBuilder.windowUpdate(5) + FrameBuilder.ping(ConnectionDecoder.grpcGoBDPPing))
    add(.hostToPlugin, FrameBuilder.ping(ConnectionDecoder.grpcGoBDPPing, ack: true))

    let response = try pluginEncoder.encode([":status": "200", "content-type": "application/grpc"])
    add(.pluginToHost, FrameBuilder.headers(stream: 1, block: response))
    let world = try Google_Protobuf_BytesValue.with { $0.value = Data("world".utf8) }.serializedBytes() as [UInt8]
    add(.pluginToHost, FrameBuilder.data(stream: 1, FrameBuilder.grpc(world)))
    let trailers = try pluginEncoder.encode(["grpc-status": "0", "grpc-message": "ok%20%E2%9C%93%20100%25"])
    add(.pluginToHost, FrameBuilder.headers(stream: 1, block: trailers, endStream: true))

    let second = try hostEncoder.encode(FrameBuilder.requestHeaders(path: path))
    add(.hostToPlugin, FrameBuilder.headers(stream: 3, block: second))
    add(.hostToPlugin, FrameBuilder.rstStream(stream: 3, .cancel))
    add(.pluginToHost, FrameBuilder.goaway(last: 3, .enhanceYourCalm))
    return session
  }

  /// All bytes of one direction, in order.
  func bytes(_ direction: Direction) -> [UInt8] {
    chunks.filter { $0.direction == direction }.flatMap(\.bytes)
  }
}

extension FrameRecord {
  /// `> HEADERS /x.Svc/Method`: arrow and summary, as the session expectations are written.
  var line: String { "\(direction.arrow) \(summary)" }
}
