/// Payload layouts of the frame types that carry padding or fixed fields (RFC 9113 §6).
extension HTTP2Frame {
  /// The PRIORITY fields of a HEADERS or PRIORITY frame.
  public struct PriorityInfo: Sendable, Hashable {
    /// Whether the dependency is exclusive.
    public var exclusive: Bool
    /// The stream this one depends on.
    public var dependency: UInt32
    /// The weight, 1…256.
    public var weight: Int
  }

  /// The DATA payload with padding removed (RFC 9113 §6.1).
  public func dataContent() throws(HTTP2FrameError) -> ArraySlice<UInt8> {
    try unpadded()
  }

  /// The header block fragment of a HEADERS frame with padding and priority removed, plus
  /// the priority fields when the PRIORITY flag is set (RFC 9113 §6.2).
  public func headerBlockFragment() throws(HTTP2FrameError) -> (fragment: ArraySlice<UInt8>, priority: PriorityInfo?) {
    var body = try unpadded()
    var priority: PriorityInfo?
    if has(Self.priorityFlag) {
      guard body.count >= 5 else {
        throw HTTP2FrameError(
          "HEADERS has the PRIORITY flag but only \(body.count) bytes left for its 5-byte priority fields")
      }
      priority = Self.priorityInfo(body.prefix(5))
      body = body.dropFirst(5)
    }
    return (body, priority)
  }

  /// The promised stream and header block fragment of a PUSH_PROMISE frame (RFC 9113 §6.6).
  public func pushPromiseContent() throws(HTTP2FrameError) -> (promisedStreamID: UInt32, fragment: ArraySlice<UInt8>) {
    let body = try unpadded()
    guard body.count >= 4 else {
      throw HTTP2FrameError("PUSH_PROMISE needs 4 bytes for the promised stream id, has \(body.count)")
    }
    return (Self.uint32(body.prefix(4)) & 0x7fff_ffff, body.dropFirst(4))
  }

  /// The fields of a PRIORITY frame payload (exactly 5 bytes, RFC 9113 §6.3).
  public func priorityContent() throws(HTTP2FrameError) -> PriorityInfo {
    guard payload.count == 5 else {
      throw HTTP2FrameError("PRIORITY payload must be 5 bytes, got \(payload.count)")
    }
    return Self.priorityInfo(payload[...])
  }

  /// Removes the Pad Length byte and the padding when PADDED is set.
  private func unpadded() throws(HTTP2FrameError) -> ArraySlice<UInt8> {
    guard has(Self.paddedFlag), type == .data || type == .headers || type == .pushPromise else {
      return payload[...]
    }
    guard let padLength = payload.first else {
      throw HTTP2FrameError("\(type.name) has the PADDED flag but an empty payload (no Pad Length byte)")
    }
    let available = payload.count - 1
    guard Int(padLength) <= available else {
      throw HTTP2FrameError(
        "\(type.name) padding length \(padLength) exceeds the \(available) bytes after the Pad Length byte")
    }
    return payload[1..<(payload.count - Int(padLength))]
  }

  /// Big-endian UInt32 from exactly 4 bytes.
  static func uint32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
  }

  private static func priorityInfo(_ bytes: ArraySlice<UInt8>) -> PriorityInfo {
    let word = uint32(bytes.prefix(4))
    let weightByte = bytes.dropFirst(4).first ?? 0
    return PriorityInfo(exclusive: word & 0x8000_0000 != 0, dependency: word & 0x7fff_ffff, weight: Int(weightByte) + 1)
  }
}
