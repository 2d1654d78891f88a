import Foundation
import Traffic

/// Decoding of the frame types other than header blocks.
extension ConnectionDecoder {
  /// grpc-go's BDP-estimation PING payload (`bdpPing` in grpc-go's transport).
  static let grpcGoBDPPing: [UInt8] = [0x02, 0x04, 0x10, 0x10, 0x09, 0x0e, 0x07, 0x07]

  // MARK: DATA

  mutating func decodeData(_ frame: HTTP2Frame, direction: Direction, into record: inout FrameRecord)
    throws(HTTP2FrameError)
  {
    guard frame.streamID != 0 else { throw HTTP2FrameError("DATA on stream 0 (must belong to a stream)") }
    let content = try frame.dataContent()
    if streams[frame.streamID] == nil, let reset = recentResets[frame.streamID] {
      // The rest of a message cut by the reset, still in flight: not the start of a new one.
      record.summary = "DATA \(content.count) bytes after the stream was reset by \(reset) (not decoded)"
      record.note =
        "RST_STREAM ended this stream; these bytes were already on their way and are dropped by the receiver"
      return
    }
    let endStream = frame.has(HTTP2Frame.endStreamFlag)
    let isRequest = direction == .hostToPlugin
    let decoder = messageDecoder
    let (outputs, path, encoding, failedBefore, pending) = updateStream(frame.streamID) { stream in
      let failedBefore = stream.assembler(direction).hasFailed
      let outputs = stream.feedMessages(content, direction: direction, endStream: endStream)
      if endStream { stream.ended.insert(direction) }
      return (outputs, stream.path, stream.encoding(direction), failedBefore, stream.assembler(direction).pending)
    }
    var errors: [String] = []
    // A frame that is exactly one uncompressed message: the record keeps its bytes once.
    let wholeMessage =
      outputs.count == 1 && record.payloadPrefix.count == content.count && content.count >= 5
      ? record.payloadPrefix[(record.payloadPrefix.startIndex + 5)...] : nil
    for output in outputs {
      switch output {
      case .message(let message):
        let payload = GRPCDecompression.payload(message, encoding: encoding)
        record.messages.append(
          decoder.deferred(
            payload.bytes, sharing: message.compressed ? nil : wholeMessage, path: path, isRequest: isRequest,
            compressedFlag: message.compressed,
            stillCompressed: payload.stillCompressed, payloadNote: payload.note))
      case .error(let text):
        errors.append(text)
      }
    }
    if !record.messages.isEmpty {
      record.summarizeMessages()
    } else if failedBefore {
      record.summary = "DATA \(content.count) bytes (not decoded: gRPC message framing was lost earlier on this stream)"
    } else if let pending, let expected = pending.expected {
      record.summary = "DATA partial message (\(pending.received) of \(expected) bytes)"
    } else if content.isEmpty {
      record.summary = "DATA (empty)"
    } else {
      record.summary = "DATA \(content.count) bytes (partial message prefix)"
    }
    if !errors.isEmpty {
      let text = errors.joined(separator: "; ")
      record.kind = .decodeError
      record.decodeError = text
      if record.messages.isEmpty { record.summary = "DATA error: \(text)" }
    }
  }

  // MARK: SETTINGS

  mutating func decodeSettings(_ frame: HTTP2Frame, direction: Direction, at time: Date, into record: inout FrameRecord)
    throws(HTTP2FrameError)
  {
    countControlFrame(direction: direction, at: time, into: &record)
    guard frame.streamID == 0 else { throw HTTP2FrameError("SETTINGS on stream \(frame.streamID) (must be stream 0)") }
    if frame.has(HTTP2Frame.ackFlag) {
      guard frame.payload.isEmpty else {
        throw HTTP2FrameError("SETTINGS ACK with a \(frame.payload.count)-byte payload (must be empty)")
      }
      record.summary = "SETTINGS ack"
      return
    }
    guard frame.payload.count % 6 == 0 else {
      throw HTTP2FrameError("SETTINGS payload of \(frame.payload.count) bytes is not a multiple of 6")
    }
    var values: [SettingValue] = []
    var index = 0
    while index < frame.payload.count {
      let identifier = UInt16(frame.payload[index]) << 8 | UInt16(frame.payload[index + 1])
      let value = HTTP2Frame.uint32(frame.payload[(index + 2)..<(index + 6)])
      values.append(SettingValue(identifier: identifier, value: value))
      index += 6
      if identifier == HTTP2Setting.headerTableSize.rawValue {
        // The sender of SETTINGS decodes the header blocks travelling the other way.
        withSide(direction.reversed) { $0.hpack.maxDynamicTableLength = Int(value) }
      }
    }
    record.settings = values
    record.summary =
      values.isEmpty
      ? "SETTINGS (empty)" : "SETTINGS " + values.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
  }

  // MARK: PING

  mutating func decodePing(_ frame: HTTP2Frame, direction: Direction, at time: Date, into record: inout FrameRecord)
    throws(HTTP2FrameError)
  {
    countControlFrame(direction: direction, at: time, into: &record)
    guard frame.streamID == 0 else { throw HTTP2FrameError("PING on stream \(frame.streamID) (must be stream 0)") }
    guard frame.payload.count == 8 else {
      throw HTTP2FrameError("PING payload must be 8 bytes, got \(frame.payload.count)")
    }
    let ack = frame.has(HTTP2Frame.ackFlag)
    record.summary = "PING \(ack ? "ack " : "")\(Hex.encode(frame.payload))"
    if frame.payload == Self.grpcGoBDPPing {
      let text =
        ack
        ? "answer to grpc-go's BDP-estimation PING"
        : "grpc-go BDP-estimation PING (grpc-go sends one with almost every RPC to size its flow-control window)"
      record.note = record.note.map { text + ". " + $0 } ?? text
    }
  }

  // MARK: GOAWAY

  mutating func decodeGoAway(_ frame: HTTP2Frame, direction: Direction, at time: Date, into record: inout FrameRecord)
    throws(HTTP2FrameError)
  {
    guard frame.streamID == 0 else { throw HTTP2FrameError("GOAWAY on stream \(frame.streamID) (must be stream 0)") }
    guard frame.payload.count >= 8 else {
      throw HTTP2FrameError("GOAWAY payload must be at least 8 bytes, got \(frame.payload.count)")
    }
    let lastStream = HTTP2Frame.uint32(frame.payload[0..<4]) & 0x7fff_ffff
    let code = HTTP2ErrorCode(HTTP2Frame.uint32(frame.payload[4..<8]))
    let debug = frame.payload[8...]
    record.errorCode = code.name
    var summary = "GOAWAY \(code.name) last=\(lastStream)"
    if !debug.isEmpty {
      summary += " debug=" + TextPreview.bytesInline(debug, maxCharacters: 60)
    }
    record.summary = summary
    if code == .enhanceYourCalm {
      let received = withSide(direction.reversed) { $0.controlFrames.count(at: time) }
      record.note = Self.enhanceYourCalmNote(
        sender: direction.sender, peer: direction.receiver,
        debug: String(decoding: debug, as: UTF8.self), controlFramesReceived: received)
    } else if code != .noError {
      record.note =
        "the \(direction.sender) is closing the connection because of an error; calls on streams above \(lastStream) were not processed and may be retried"
    }
  }

  /// Explains a GOAWAY ENHANCE_YOUR_CALM (docs/swift-stack.md §3).
  static func enhanceYourCalmNote(sender: String, peer: String, debug: String, controlFramesReceived: Int) -> String {
    if debug.contains("too_many_pings") {
      return
        "ENHANCE_YOUR_CALM \"too_many_pings\": the \(sender) (a grpc-go server) received keepalive pings more often than its keepalive EnforcementPolicy allows (MinTime, default 5 min; pings without active calls need PermitWithoutStream). Lower the \(peer)'s keepalive ping rate or relax the server's policy."
    }
    return
      "ENHANCE_YOUR_CALM: the \(sender) closed the connection because the \(peer) sent too many control frames. swift-nio-http2 (under grpc-swift) allows 200 PING/SETTINGS/PRIORITY frames per 30 s on one connection and grpc-go sends a BDP-estimation PING with almost every RPC, so a busy grpc-go peer trips the limit. Calls in flight fail with UNAVAILABLE and the client reconnects; retry idempotent calls on UNAVAILABLE (a ServiceConfig retry policy) or pace the calls. The tap saw \(controlFramesReceived) control frames sent to the \(sender) in the last 30 s."
  }

  // MARK: RST_STREAM, WINDOW_UPDATE, PRIORITY

  mutating func decodeRSTStream(_ frame: HTTP2Frame, into record: inout FrameRecord) throws(HTTP2FrameError) {
    guard frame.streamID != 0 else { throw HTTP2FrameError("RST_STREAM on stream 0 (must belong to a stream)") }
    guard frame.payload.count == 4 else {
      throw HTTP2FrameError("RST_STREAM payload must be 4 bytes, got \(frame.payload.count)")
    }
    let code = HTTP2ErrorCode(HTTP2Frame.uint32(frame.payload[0..<4]))
    record.errorCode = code.name
    record.summary = "RST_STREAM \(code.name)"
    if code == .cancel {
      record.note = "the call was cancelled (by the client, or because its deadline passed)"
    }
    let who = record.direction == .hostToPlugin ? "the host" : "the plugin"
    let cut = updateStream(frame.streamID) { stream -> [String] in
      stream.reset = true
      return [Direction.hostToPlugin, .pluginToHost].compactMap { direction in
        guard let pending = stream.assembler(direction).pending else { return nil }
        let sender = direction == .hostToPlugin ? "the host's" : "the plugin's"
        return pending.expected.map { "\(sender) message was cut at \(pending.received) of \($0) bytes" }
          ?? "\(sender) message was cut inside its 5-byte prefix"
      }
    }
    rememberReset(frame.streamID, by: "\(who) (\(code.name))")
    if !cut.isEmpty {
      let text = "\(who) reset the stream in the middle of a message: " + cut.joined(separator: "; ")
      record.note = record.note.map { $0 + "; " + text } ?? text
    }
  }

  mutating func decodeWindowUpdate(_ frame: HTTP2Frame, into record: inout FrameRecord) throws(HTTP2FrameError) {
    guard frame.payload.count == 4 else {
      throw HTTP2FrameError("WINDOW_UPDATE payload must be 4 bytes, got \(frame.payload.count)")
    }
    let increment = HTTP2Frame.uint32(frame.payload[0..<4]) & 0x7fff_ffff
    record.summary = "WINDOW_UPDATE +\(increment)"
    if increment == 0 {
      record.note = "an increment of 0 is a protocol error (RFC 9113 §6.9)"
    }
  }

  mutating func decodePriority(_ frame: HTTP2Frame, direction: Direction, at time: Date, into record: inout FrameRecord)
    throws(HTTP2FrameError)
  {
    countControlFrame(direction: direction, at: time, into: &record)
    guard frame.streamID != 0 else { throw HTTP2FrameError("PRIORITY on stream 0 (must belong to a stream)") }
    let info = try frame.priorityContent()
    record.summary = "PRIORITY depends on \(info.dependency) weight \(info.weight)\(info.exclusive ? " exclusive" : "")"
  }

  // MARK: Control frame rate

  /// Counts a PING / SETTINGS / PRIORITY frame towards the receiver's DOS limit and warns
  /// when the count approaches what swift-nio-http2 tolerates.
  mutating func countControlFrame(direction: Direction, at time: Date, into record: inout FrameRecord) {
    let count = withSide(direction) { $0.controlFrames.record(at: time) }
    let limit = ControlFrameWindow.nioLimit
    guard count >= limit / 2 else { return }
    record.note =
      "\(count) control frames (PING/SETTINGS/PRIORITY) sent to the \(direction.receiver) in the last 30 s; a swift-nio-http2 peer closes the connection with GOAWAY ENHANCE_YOUR_CALM above \(limit) "
      + "(plugin-dev's client and PluginServer answer PINGs below their HTTP/2 layer, so they stay up)"
  }
}
