#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Splits a byte stream into lines, handling `\r\n`, very long lines and a last line without `\n`.
///
/// A state machine fed chunks as they arrive: lines longer than `maxLineLength` come out in
/// pieces marked `continues` (go-plugin's host reads 64 KiB lines; docs/protocol.md §7.1), invalid
/// UTF-8 is repaired, and `finish()` returns the unterminated rest at end of stream.
public struct LineSplitter: Sendable {
  /// One line (or one piece of an over-long line).
  public struct Line: Sendable, Equatable {
    /// The text without its line ending.
    public var text: String
    /// Byte length of the text (before UTF-8 repair).
    public var byteCount: Int
    /// True when this piece was cut at `maxLineLength` and the line goes on in the next piece.
    public var continues: Bool
    /// True when this piece continues a line cut before.
    public var isContinuation: Bool
    /// True for a last line that ended without `\n` (end of stream).
    public var unterminated: Bool
    /// True when the line ended in `\r\n` (the `\r` is not in `text`).
    public var carriageReturn = false
    /// The line's bytes, when `text` does not hold them exactly (invalid UTF-8 was repaired).
    public var invalidUTF8: [UInt8]?

    /// The line as it was written, its line ending included (`wrap` passes lines on with these).
    public var originalBytes: [UInt8] {
      var bytes = invalidUTF8 ?? Array(text.utf8)
      if carriageReturn { bytes.append(0x0D) }
      if !continues, !unterminated { bytes.append(0x0A) }
      return bytes
    }

    /// Creates a line value.
    public init(
      text: String, byteCount: Int, continues: Bool = false, isContinuation: Bool = false, unterminated: Bool = false
    ) {
      self.text = text
      self.byteCount = byteCount
      self.continues = continues
      self.isContinuation = isContinuation
      self.unterminated = unterminated
    }
  }

  /// Longest piece emitted, in bytes.
  public let maxLineLength: Int
  private var pending: [UInt8] = []
  private var inLongLine = false

  /// Creates a splitter; 64 KiB by default, as go-plugin's stderr reader.
  public init(maxLineLength: Int = 64 * 1024) {
    self.maxLineLength = max(1, maxLineLength)
  }

  /// Feeds bytes and returns the complete lines they finish.
  public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [Line] where Bytes.Element == UInt8 {
    if let lines = bytes.withContiguousStorageIfAvailable({ feed(contiguous: $0) }) { return lines }
    return Array(bytes).withUnsafeBufferPointer { feed(contiguous: $0) }
  }

  /// The splitting itself, a newline search (`memchr`) per line rather than a step per byte: a
  /// plugin may write hundreds of MiB of stderr, and every byte of it passes through here.
  private mutating func feed(contiguous bytes: UnsafeBufferPointer<UInt8>) -> [Line] {
    guard let base = bytes.baseAddress else { return [] }
    var out: [Line] = []
    var start = 0
    while start < bytes.count {
      // Bytes this line may still take before it is cut at `maxLineLength`.
      let room = maxLineLength - pending.count
      let searchEnd = min(bytes.count, start + room)
      if let found = memchr(base + start, 0x0A, searchEnd - start) {
        let newline = base.distance(to: UnsafePointer(found.assumingMemoryBound(to: UInt8.self)))
        let piece = UnsafeBufferPointer(rebasing: bytes[start..<newline])
        if pending.isEmpty {
          out.append(makeLine(piece, continues: false, unterminated: false))
        } else {
          pending.append(contentsOf: piece)
          out.append(pendingLine(continues: false, unterminated: false))
        }
        pending.removeAll(keepingCapacity: true)
        inLongLine = false
        start = newline + 1
      } else if searchEnd - start == room {
        pending.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<searchEnd]))
        out.append(pendingLine(continues: true, unterminated: false))
        pending.removeAll(keepingCapacity: true)
        inLongLine = true
        start = searchEnd
      } else {
        pending.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        start = bytes.count
      }
    }
    return out
  }

  /// Ends the stream: the unterminated last line, if any.
  public mutating func finish() -> Line? {
    defer {
      pending.removeAll()
      inLongLine = false
    }
    guard !pending.isEmpty else { return nil }
    return pendingLine(continues: false, unterminated: true)
  }

  /// Whether bytes of an unfinished line are buffered.
  public var hasPendingBytes: Bool { !pending.isEmpty }

  private mutating func pendingLine(continues: Bool, unterminated: Bool) -> Line {
    let bytes = pending
    return bytes.withUnsafeBufferPointer { makeLine($0, continues: continues, unterminated: unterminated) }
  }

  private func makeLine(_ bytes: UnsafeBufferPointer<UInt8>, continues: Bool, unterminated: Bool) -> Line {
    var slice = bytes[...]
    let carriageReturn = !continues && slice.last == 0x0D
    if carriageReturn { slice = slice.dropLast() }
    let valid = String(validating: slice, as: UTF8.self)
    var line = Line(
      text: valid ?? String(decoding: slice, as: UTF8.self), byteCount: slice.count, continues: continues,
      isContinuation: inLongLine, unterminated: unterminated)
    line.carriageReturn = carriageReturn
    if valid == nil { line.invalidUTF8 = Array(slice) }
    return line
  }
}
