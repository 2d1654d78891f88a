import NIOCore
import NIOHPACK

@testable import WireTap

/// Builds raw HTTP/2 frames and gRPC payloads for tests.
enum FrameBuilder {
  static func frame(_ type: HTTP2FrameType, flags: UInt8 = 0, stream: UInt32 = 0, _ payload: [UInt8] = []) -> [UInt8] {
    HTTP2Frame(type: type, flags: flags, streamID: stream, payload: payload).wireBytes
  }

  static func settings(_ values: [(HTTP2Setting, UInt32)]) -> [UInt8] {
    var payload: [UInt8] = []
    for (setting, value) in values {
      payload += be16(setting.rawValue) + be32(value)
    }
    return frame(.settings, payload)
  }

  static func settingsAck() -> [UInt8] { frame(.settings, flags: HTTP2Frame.ackFlag) }

  static func ping(_ payload: [UInt8], ack: Bool = false) -> [UInt8] {
    frame(.ping, flags: ack ? HTTP2Frame.ackFlag : 0, payload)
  }

  static func windowUpdate(stream: UInt32 = 0, _ increment: UInt32) -> [UInt8] {
    frame(.windowUpdate, stream: stream, be32(increment))
  }

  static func rstStream(stream: UInt32, _ code: HTTP2ErrorCode) -> [UInt8] {
    frame(.rstStream, stream: stream, be32(code.rawValue))
  }

  static func goaway(last: UInt32, _ code: HTTP2ErrorCode, debug: String = "") -> [UInt8] {
    frame(.goaway, be32(last) + be32(code.rawValue) + Array(debug.utf8))
  }

  static func data(stream: UInt32, endStream: Bool = false, _ payload: [UInt8], padding: Int? = nil) -> [UInt8] {
    var flags: UInt8 = endStream ? HTTP2Frame.endStreamFlag : 0
    var body = payload
    if let padding {
      flags |= HTTP2Frame.paddedFlag
      body = [UInt8(padding)] + payload + [UInt8](repeating: 0, count: padding)
    }
    return frame(.data, flags: flags, stream: stream, body)
  }

  /// HEADERS with END_HEADERS carrying an already encoded block.
  static func headers(
    stream: UInt32, block: [UInt8], endStream: Bool = false, endHeaders: Bool = true, padding: Int? = nil,
    priority: (exclusive: Bool, dependency: UInt32, weight: UInt8)? = nil
  ) -> [UInt8] {
    var flags: UInt8 = 0
    if endStream { flags |= HTTP2Frame.endStreamFlag }
    if endHeaders { flags |= HTTP2Frame.endHeadersFlag }
    var body: [UInt8] = []
    if let padding {
      flags |= HTTP2Frame.paddedFlag
      body.append(UInt8(padding))
    }
    if let priority {
      flags |= HTTP2Frame.priorityFlag
      body += be32(priority.dependency | (priority.exclusive ? 0x8000_0000 : 0)) + [priority.weight]
    }
    body += block
    if let padding { body += [UInt8](repeating: 0, count: padding) }
    return frame(.headers, flags: flags, stream: stream, body)
  }

  static func continuation(stream: UInt32, block: [UInt8], endHeaders: Bool) -> [UInt8] {
    frame(.continuation, flags: endHeaders ? HTTP2Frame.endHeadersFlag : 0, stream: stream, block)
  }

  /// A gRPC length-prefixed message.
  static func grpc(_ message: [UInt8], compressed: Bool = false) -> [UInt8] {
    [compressed ? 1 : 0] + be32(UInt32(message.count)) + message
  }

  static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff)] }

  static func be32(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8((value >> 16) & 0xff), UInt8((value >> 8) & 0xff), UInt8(value & 0xff)]
  }

  static func requestHeaders(path: String, extra: [(String, String)] = []) -> HPACKHeaders {
    var headers: HPACKHeaders = [
      ":method": "POST", ":scheme": "http", ":path": path, ":authority": "localhost",
      "content-type": "application/grpc", "te": "trailers",
    ]
    for (name, value) in extra { headers.add(name: name, value: value) }
    return headers
  }
}

/// An HPACK encoder producing header blocks as byte arrays.
struct BlockEncoder {
  var encoder = HPACKEncoder(allocator: ByteBufferAllocator())

  init(useHuffman: Bool = true) {
    encoder = HPACKEncoder(allocator: ByteBufferAllocator(), useHuffmanEncoding: useHuffman)
  }

  mutating func encode(_ headers: HPACKHeaders) throws -> [UInt8] {
    var buffer = ByteBuffer()
    try encoder.encode(headers: headers, to: &buffer)
    return Array(buffer.readableBytesView)
  }
}
