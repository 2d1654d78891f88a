import CZlib

/// The bytes of a gRPC message as the decoder should see them: a message with the compressed
/// flag set is inflated first when the stream's `grpc-encoding` is `gzip` (or `deflate`), the
/// encodings grpc-go, grpcio and grpc-swift offer. Anything else stays compressed, with a note.
///
/// Inflating stops at `limit` bytes (a plugin's message cannot make the tap allocate more).
enum GRPCDecompression {
  /// What to decode, and what to say about it.
  struct Payload: Equatable {
    /// The bytes to decode (inflated when that worked).
    var bytes: [UInt8]
    /// Whether `bytes` are still compressed (not inflated).
    var stillCompressed: Bool
    /// A remark for the record; nil for an uncompressed message.
    var note: String?
  }

  /// Largest inflated message (gRPC's default receive limit is 4 MiB; go-plugin raises it).
  static let limit = 16 << 20

  /// The payload of `message` on a stream whose `grpc-encoding` is `encoding`.
  static func payload(_ message: GRPCMessageAssembler.Message, encoding: String?, limit: Int = limit) -> Payload {
    guard message.compressed else { return Payload(bytes: message.bytes, stillCompressed: false, note: nil) }
    let name = encoding?.lowercased()
    let windowBits: Int32
    switch name {
    case "gzip": windowBits = 15 + 16
    case "deflate": windowBits = 15
    default:
      let why = encoding.map { "grpc-encoding \($0)" } ?? "no grpc-encoding header"
      return Payload(
        bytes: message.bytes, stillCompressed: true,
        note: "compressed with \(why); the tap decompresses only gzip and deflate")
    }
    switch inflate(message.bytes, windowBits: windowBits, limit: limit) {
    case .success(let bytes):
      return Payload(
        bytes: bytes, stillCompressed: false,
        note: "\(name ?? "") compressed: \(message.bytes.count) bytes on the wire, \(bytes.count) decompressed")
    case .failure(let reason):
      return Payload(
        bytes: message.bytes, stillCompressed: true,
        note: "compressed with grpc-encoding \(encoding ?? ""), but does not decompress: \(reason)")
    }
  }

  /// Why inflating failed.
  struct Failure: Error, Equatable, CustomStringConvertible {
    var description: String
  }

  /// zlib's inflate of a whole stream (`windowBits` 31: gzip, 15: zlib), at most `limit` bytes out.
  static func inflate(_ input: [UInt8], windowBits: Int32, limit: Int) -> Result<[UInt8], Failure> {
    var stream = z_stream()
    guard plugin_dev_inflate_init2(&stream, windowBits) == Z_OK else {
      return .failure(Failure(description: "zlib could not start"))
    }
    defer { inflateEnd(&stream) }
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    var input = input
    return input.withUnsafeMutableBufferPointer { source -> Result<[UInt8], Failure> in
      stream.next_in = source.baseAddress
      stream.avail_in = uInt(source.count)
      while true {
        let (status, produced) = chunk.withUnsafeMutableBufferPointer { target -> (Int32, Int) in
          stream.next_out = target.baseAddress
          stream.avail_out = uInt(target.count)
          let status = CZlib.inflate(&stream, Z_NO_FLUSH)
          return (status, target.count - Int(stream.avail_out))
        }
        if output.count + produced > limit {
          return .failure(Failure(description: "more than \(limit) bytes once decompressed"))
        }
        output.append(contentsOf: chunk[0..<produced])
        switch status {
        case Z_STREAM_END:
          return .success(output)
        case Z_OK:
          if stream.avail_in == 0 && produced == 0 { return .failure(Failure(description: "the data ends early")) }
        case Z_BUF_ERROR:
          if stream.avail_in == 0 { return .failure(Failure(description: "the data ends early")) }
        default:
          let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
          return .failure(Failure(description: message))
        }
      }
    }
  }
}
