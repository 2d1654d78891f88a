import NIOCore
import NIOHPACK
import Traffic

/// Header blocks: HEADERS, PUSH_PROMISE and CONTINUATION, HPACK decoding and their gRPC
/// meaning (request, response headers, trailers).
extension ConnectionDecoder {
  mutating func decodeHeaders(_ frame: HTTP2Frame, direction: Direction, into record: inout FrameRecord)
    throws(HTTP2FrameError)
  {
    guard frame.streamID != 0 else { throw HTTP2FrameError("HEADERS on stream 0 (must belong to a stream)") }
    let (fragment, _) = try frame.headerBlockFragment()
    let origin = DirectionState.PendingHeaderBlock.Origin.headers(endStream: frame.has(HTTP2Frame.endStreamFlag))
    try startHeaderBlock(frame, origin: origin, fragment: fragment, direction: direction, into: &record)
  }

  mutating func decodePushPromise(_ frame: HTTP2Frame, direction: Direction, into record: inout FrameRecord)
    throws(HTTP2FrameError)
  {
    guard frame.streamID != 0 else { throw HTTP2FrameError("PUSH_PROMISE on stream 0 (must belong to a stream)") }
    let (promised, fragment) = try frame.pushPromiseContent()
    try startHeaderBlock(
      frame, origin: .pushPromise(promisedStreamID: promised), fragment: fragment, direction: direction, into: &record)
  }

  mutating func decodeContinuation(_ frame: HTTP2Frame, direction: Direction, into record: inout FrameRecord)
    throws(HTTP2FrameError)
  {
    // A pending block on another stream was already dropped by the sequencing check.
    guard var pending = withSide(direction, { $0.pendingBlock }) else {
      throw HTTP2FrameError("CONTINUATION on stream \(frame.streamID) without a preceding HEADERS or PUSH_PROMISE")
    }
    guard pending.fragment.count + frame.payload.count <= Self.maxPendingHeaderBlock else {
      withSide(direction) { $0.pendingBlock = nil }
      throw HTTP2FrameError("header block larger than \(Self.maxPendingHeaderBlock) bytes; dropped")
    }
    pending.fragment += frame.payload
    if frame.has(HTTP2Frame.endHeadersFlag) {
      withSide(direction) { $0.pendingBlock = nil }
      try completeHeaderBlock(pending, direction: direction, into: &record)
    } else {
      withSide(direction) { $0.pendingBlock = pending }
      record.summary = "CONTINUATION (header block continues)"
    }
  }

  private mutating func startHeaderBlock(
    _ frame: HTTP2Frame, origin: DirectionState.PendingHeaderBlock.Origin, fragment: ArraySlice<UInt8>,
    direction: Direction, into record: inout FrameRecord
  ) throws(HTTP2FrameError) {
    let block = DirectionState.PendingHeaderBlock(streamID: frame.streamID, origin: origin, fragment: Array(fragment))
    if frame.has(HTTP2Frame.endHeadersFlag) {
      try completeHeaderBlock(block, direction: direction, into: &record)
    } else {
      withSide(direction) { $0.pendingBlock = block }
      record.summary = "\(frame.type.name) (header block continues in CONTINUATION)"
    }
  }

  /// HPACK-decodes a complete block and describes it on `record` (the completing frame).
  private mutating func completeHeaderBlock(
    _ block: DirectionState.PendingHeaderBlock, direction: Direction, into record: inout FrameRecord
  ) throws(HTTP2FrameError) {
    var buffer = ByteBuffer(bytes: block.fragment)
    let decoded: Result<HPACKHeaders, any Error> = withSide(direction) { side in
      Result { try side.hpack.decodeHeaders(from: &buffer) }
    }
    let headers: HPACKHeaders
    switch decoded {
    case .success(let value):
      headers = value
    case .failure(let error):
      if case .headers(let endStream) = block.origin, endStream {
        updateStream(block.streamID) { $0.ended.insert(direction) }
      }
      throw HTTP2FrameError(
        "HPACK decoding failed (\(error)); later header blocks sent by the \(direction.sender) may not decode either, since HPACK state is shared by the connection"
      )
    }
    let fields = interned(headers.map { HeaderField(name: interned($0.name), value: interned($0.value)) })
    record.headers = fields
    let typeName = record.type

    switch block.origin {
    case .pushPromise(let promised):
      let path = headers.first(name: ":path")
      if let path { updateStream(promised) { $0.path = path } }
      record.summary = "\(typeName) promised=\(promised)\(path.map { " " + $0 } ?? "")"
    case .headers(let endStream):
      describe(headers, streamID: block.streamID, endStream: endStream, direction: direction, into: &record)
    }
  }

  /// Gives a HEADERS block its gRPC meaning and updates the stream.
  private mutating func describe(
    _ headers: HPACKHeaders, streamID: UInt32, endStream: Bool, direction: Direction, into record: inout FrameRecord
  ) {
    let typeName = record.type
    let statusText = headers.first(name: "grpc-status")
    let status = statusText.flatMap { Int($0) }
    let message = headers.first(name: "grpc-message").map(PercentDecoding.decode)
    record.grpcStatus = status
    record.grpcMessage = message
    let (summary, path, leftovers) = updateStream(streamID) { stream in
      let index = stream.headerBlocks(direction)
      stream.countHeaderBlock(direction)
      var summary: String
      if index == 0, let encoding = headers.first(name: "grpc-encoding") {
        stream.setEncoding(encoding, direction)
      }
      if direction == .hostToPlugin, index == 0 {
        if let path = headers.first(name: ":path") { stream.path = path }
        summary = "\(typeName) \(stream.path ?? "(no :path)")"
      } else if direction == .pluginToHost, index == 0, statusText == nil {
        summary = "\(typeName) (response) :status=\(headers.first(name: ":status") ?? "?")"
      } else {
        summary = "\(typeName) (\(index == 0 ? "trailers-only" : "trailers"))"
        if let statusText {
          summary += " grpc-status=\(statusText)"
          if let status, status != 0, let name = GRPCStatusName.name(for: status) { summary += " (\(name))" }
        }
        if let message { summary += " grpc-message=" + TextPreview.quoted(message, maxCharacters: 80) }
      }
      var leftovers: [GRPCMessageAssembler.Output] = []
      if endStream {
        leftovers = stream.feedMessages([], direction: direction, endStream: true)
        stream.ended.insert(direction)
      }
      return (summary, stream.path, leftovers)
    }
    record.summary = summary
    record.method = path
    let errors = leftovers.compactMap { output -> String? in
      if case .error(let text) = output { return text }
      return nil
    }
    if !errors.isEmpty {
      record.kind = .decodeError
      record.decodeError = errors.joined(separator: "; ")
    }
  }
}
