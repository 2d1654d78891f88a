import Synchronization

/// A gRPC message kept as bytes until someone reads its summary or tree: then decoded once by
/// the decoder it was captured with, and the result kept.
final class DeferredMessageDecode: Sendable {
  /// The message; often a slice of the frame's `payloadPrefix`, sharing its storage.
  private let bytes: ArraySlice<UInt8>
  private let path: String?
  private let isRequest: Bool
  private let decoder: MessageDecoder
  /// What decompression said (`GRPCDecompression.Payload.note`).
  private let payloadNote: String?
  private let stillCompressed: Bool
  private let decoded = Mutex<Decoded>(.notYet)

  /// The content once decoded (boxed: a record not yet read stays small).
  private enum Decoded {
    case notYet
    indirect case content(DecodedMessageRecord.Content)
  }

  init(
    bytes: ArraySlice<UInt8>, path: String?, isRequest: Bool, decoder: MessageDecoder, payloadNote: String?,
    stillCompressed: Bool
  ) {
    self.bytes = bytes
    self.path = path
    self.isRequest = isRequest
    self.decoder = decoder
    self.payloadNote = payloadNote
    self.stillCompressed = stillCompressed
  }

  /// Whether the content was worked out already.
  var isDecoded: Bool {
    decoded.withLock {
      if case .content = $0 { return true }
      return false
    }
  }

  /// The decoded content, decoded now if this is the first read.
  var content: DecodedMessageRecord.Content {
    decoded.withLock { cached in
      if case .content(let content) = cached { return content }
      let content = decoder.decode(
        Array(bytes), path: path, isRequest: isRequest, compressed: stillCompressed, payloadNote: payloadNote
      ).content
      cached = .content(content)
      return content
    }
  }
}
