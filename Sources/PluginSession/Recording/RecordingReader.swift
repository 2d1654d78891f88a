import Foundation
import PluginHost
import WireTap

/// Reads a plugin-dev log from bytes as they come (pure: the follower feeds it).
///
/// The first line must be the header of this version. A frame-only export written by an older
/// plugin-dev (frame records, no header) is read too, as frames. A later line that cannot be
/// read becomes a notice naming its line number, and reading goes on: nothing is silently lost.
public struct RecordingReader: Sendable {
  /// The file, for messages.
  public let path: String
  /// The header, once the first line was read.
  public private(set) var header: RecordingHeader?
  /// Whether the log's `finished` event was read.
  public private(set) var sawFinish = false
  /// Lines read so far.
  public private(set) var lineNumber = 0
  /// The longest line read (bytes, newline excluded); a longer one is skipped with a notice.
  public var maxLineLength = 64 << 20
  /// The bytes of the unfinished line (never more than `maxLineLength`).
  private var pending = Data()
  /// Whether the unfinished line grew past `maxLineLength`: its bytes are dropped until its newline.
  private var skippingLongLine = false
  private var framesOnly = false
  private var skippedUnknown: Set<String> = []
  private let decoder = RecordingLine.makeDecoder()

  /// A reader of the log at `path`.
  public init(path: String) {
    self.path = path
  }

  /// Whether some bytes of an unfinished line are held.
  public var hasPartialLine: Bool { !pending.isEmpty || skippingLongLine }

  /// Forgets the unfinished line (the file was truncated under the reader).
  public mutating func dropPartialLine() {
    pending = Data()
    skippingLongLine = false
  }

  /// Reads the complete lines in `data` (with what was held); throws when the file is not a log
  /// this version reads (then nothing more can be read from it).
  ///
  /// Only the new bytes are searched for newlines, so a long line costs its length once. NUL bytes
  /// before a line are passed over: they are the hole a writer leaves when the file is truncated
  /// under it.
  public mutating func feed(_ data: Data) throws(RecordingError) -> [(SessionEvent, Date)] {
    var out: [(SessionEvent, Date)] = []
    var start = data.startIndex
    while start < data.endIndex {
      if pending.isEmpty, !skippingLongLine {
        guard let first = data[start...].firstIndex(where: { $0 != 0 }) else { return out }
        start = first
      }
      guard let newline = data[start...].firstIndex(of: 0x0A) else {
        hold(data[start...])
        return out
      }
      hold(data[start..<newline])
      start = data.index(after: newline)
      try endLine(into: &out)
    }
    return out
  }

  /// The end of the file: a last line without its newline is read (or reported).
  public mutating func finish() throws(RecordingError) -> [(SessionEvent, Date)] {
    guard hasPartialLine else { return [] }
    var out: [(SessionEvent, Date)] = []
    try endLine(into: &out)
    return out
  }

  /// Adds bytes to the unfinished line, or drops them once it is too long.
  private mutating func hold(_ bytes: Data) {
    guard !skippingLongLine else { return }
    if pending.count + bytes.count > maxLineLength {
      pending = Data()
      skippingLongLine = true
    } else {
      pending.append(bytes)
    }
  }

  private mutating func endLine(into out: inout [(SessionEvent, Date)]) throws(RecordingError) {
    let line = pending
    pending = Data()
    guard skippingLongLine else { return try read(line, into: &out) }
    skippingLongLine = false
    lineNumber += 1
    let limit = maxLineLength >= 1 << 20 ? "\(maxLineLength >> 20) MiB" : "\(maxLineLength) bytes"
    guard header != nil else {
      throw RecordingError(
        path: path, line: lineNumber, message: "not a plugin-dev log (its first line is longer than \(limit))")
    }
    out.append((.notice("\(path):\(lineNumber): line \(lineNumber) too long (over \(limit)), skipped"), Date()))
  }

  private mutating func read(_ line: Data, into out: inout [(SessionEvent, Date)]) throws(RecordingError) {
    lineNumber += 1
    if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
    guard header != nil else { return try readFirst(line, into: &out) }
    if framesOnly, let record = try? decoder.decode(FrameRecord.self, from: line) {
      out.append((.frame(record), record.time))
      return
    }
    do {
      let decoded = try decoder.decode(RecordingLine.self, from: line)
      switch decoded.content {
      case .header:
        out.append((.notice("\(path):\(lineNumber): a second header line (two logs joined?); read on"), decoded.time))
      case .event(let event):
        if case .finished = event { sawFinish = true }
        out.append((event, decoded.time))
      case .unknown(let name):
        if skippedUnknown.insert(name).inserted {
          out.append(
            (
              .notice(
                "\(path):\(lineNumber): skipped \"\(name)\" events: written by a newer plugin-dev than this one"
              ), decoded.time
            ))
        }
      }
    } catch {
      out.append(
        (.notice("\(path):\(lineNumber): skipped a line that is not a log event (\(Self.reason(error)))"), Date()))
    }
  }

  private mutating func readFirst(_ line: Data, into out: inout [(SessionEvent, Date)]) throws(RecordingError) {
    let object = (try? JSONSerialization.jsonObject(with: line)) as? [String: Any]
    guard let object else {
      throw RecordingError(
        path: path, line: lineNumber,
        message:
          "not a plugin-dev log (the first line is not JSON); logs are written by `run --export FILE` and `wrap --log FILE`"
      )
    }
    let event = object["event"] as? String
    if event == "header" {
      let version = object["version"] as? Int ?? 0
      guard version == RecordingHeader.currentVersion else {
        throw RecordingError(
          path: path, line: lineNumber,
          message: version > RecordingHeader.currentVersion
            ? "log version \(version) was written by a newer plugin-dev; this one reads version \(RecordingHeader.currentVersion)"
            : "log version \(version) is not read by this plugin-dev (it reads version \(RecordingHeader.currentVersion))"
        )
      }
      do {
        header = try decoder.decode(RecordingLine.self, from: line).header
      } catch {
        throw RecordingError(path: path, line: lineNumber, message: "the header cannot be read: \(Self.reason(error))")
      }
      return
    }
    if event == "wrap" {
      throw RecordingError(
        path: path, line: lineNumber,
        message:
          "a wrap log of version \(object["version"] as? Int ?? 1), written by an older plugin-dev; this one reads version \(RecordingHeader.currentVersion): record it again"
      )
    }
    if event == nil, object["sequence"] != nil, object["kind"] != nil,
      let record = try? decoder.decode(FrameRecord.self, from: line)
    {
      header = RecordingHeader(
        writer: "an older plugin-dev's frame export (frames only)", pid: 0, command: [], autoMTLS: false,
        time: record.time)
      framesOnly = true
      out.append((.notice("\(path): an older frame export: frames only, no handshake, logs or health"), record.time))
      out.append((.frame(record), record.time))
      return
    }
    throw RecordingError(
      path: path, line: lineNumber,
      message:
        "not a plugin-dev log (no header line); logs are written by `run --export FILE` and `wrap --log FILE`")
  }

  private static func reason(_ error: any Error) -> String {
    switch error {
    case DecodingError.keyNotFound(let key, _): return "no \"\(key.stringValue)\""
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
      DecodingError.dataCorrupted(let context):
      let at = context.codingPath.map(\.stringValue).joined(separator: ".")
      return at.isEmpty ? context.debugDescription : "\(at): \(context.debugDescription)"
    default: return "\(error)"
    }
  }
}

extension RecordingLine {
  /// The header, when the line is one.
  var header: RecordingHeader? {
    if case .header(let header) = content { return header }
    return nil
  }
}
