import Foundation
import WireTap

/// `wrap --log FILE`: JSON lines, written and flushed one event at a time so the file can be
/// followed while the host runs. The first line names the schema version. Frame lines are the
/// frame records exactly as `run --export` writes them; wrap's own lines carry an `event` key.
public final class WrapLog: Sendable {
  /// The schema version in the first line.
  public static let version = 1
  private let handle: LockedValue<FileHandle?>
  private let encoder = LockedValue(FrameRecord.makeJSONEncoder())

  /// Creates (or truncates) `path`.
  public init(path: String) throws {
    guard FileManager.default.createFile(atPath: path, contents: nil) else {
      throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
    }
    handle = LockedValue(try FileHandle(forWritingTo: URL(fileURLWithPath: path)))
  }

  /// Writes one of wrap's own events (`event` and `time` are added).
  public func event(_ name: String, _ fields: [String: any Sendable] = [:]) {
    var object = fields.mapValues { $0 as Any }
    object["event"] = name
    object["time"] = ISO8601DateFormatter().string(from: Date())
    guard
      let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    else { return }
    write(data)
  }

  /// Writes a decoded frame as `run --export` does.
  public func frame(_ record: FrameRecord) {
    guard let data = encoder.withLock({ try? $0.encode(record) }) else { return }
    write(data)
  }

  private func write(_ line: Data) {
    handle.withLock { handle in
      try? handle?.write(contentsOf: line + Data([0x0A]))
    }
  }

  /// Closes the file.
  public func close() {
    handle.withLock { handle in
      try? handle?.close()
      handle = nil
    }
  }
}
