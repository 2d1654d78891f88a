import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a plugin-dev log file and, when asked, follows it while its writer adds to it (like
/// `tail -f`): at the end of the file it looks again every `pollInterval` until the log's
/// `finished` event arrives or its writer (the header's pid) is gone.
public struct RecordingFollower: Sendable {
  /// What the follower reports.
  public enum Item: Sendable {
    /// An event of the log, at its time.
    case event(SessionEvent, Date)
    /// The writer is still at work and everything written so far was read.
    case caughtUp
    /// The end: the log's last event was read (`complete`), or the file ends without it.
    case end(complete: Bool)
  }

  /// The file.
  public let path: String
  /// The header (read by `open`).
  public let header: RecordingHeader
  /// The plugin's name, for titles.
  public var pluginName: String { header.plugin }
  /// Whether to wait for more at the end of the file.
  public let follow: Bool
  /// How often to look for more while following.
  public var pollInterval: Duration = .milliseconds(200)
  private let handle: FileHandleBox
  private let first: [(SessionEvent, Date)]
  private let reader: RecordingReader

  /// Opens `path` and reads its header (waiting up to `headerWait` for a file a writer has just
  /// created); throws a message naming the file (and line) when it is not a log this version reads.
  public static func open(path: String, follow: Bool, headerWait: Duration = .seconds(2)) async throws(RecordingError)
    -> RecordingFollower
  {
    let handle: FileHandle
    do {
      handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
    } catch {
      let reason = FileManager.default.fileExists(atPath: path) ? "cannot read it" : "no such file"
      throw RecordingError(path: path, line: nil, message: reason)
    }
    var reader = RecordingReader(path: path)
    var events: [(SessionEvent, Date)] = []
    let deadline = ContinuousClock.now + headerWait
    while reader.header == nil {
      let data = (try? handle.read(upToCount: 64 * 1024)) ?? Data()
      if data.isEmpty {
        if reader.hasPartialLine, !follow || ContinuousClock.now >= deadline {
          events += try reader.finish()
          continue
        }
        guard follow, ContinuousClock.now < deadline else {
          try? handle.close()
          throw RecordingError(path: path, line: nil, message: "the file is empty: not a plugin-dev log (yet)")
        }
        try? await Task.sleep(for: .milliseconds(50))
        continue
      }
      events += try reader.feed(data)
    }
    guard let header = reader.header else { throw RecordingError(path: path, line: 1, message: "no header") }
    return RecordingFollower(
      path: path, header: header, follow: follow, handle: FileHandleBox(handle), first: events, reader: reader)
  }

  private init(
    path: String, header: RecordingHeader, follow: Bool, handle: FileHandleBox, first: [(SessionEvent, Date)],
    reader: RecordingReader
  ) {
    self.path = path
    self.header = header
    self.follow = follow
    self.handle = handle
    self.first = first
    self.reader = reader
  }

  /// The log's events in order, then `.end`; `.caughtUp` each time following reaches the end
  /// of what was written. Cancel the task reading it to stop following.
  public func items() -> AsyncStream<Item> {
    let (stream, continuation) = AsyncStream<Item>.makeStream(bufferingPolicy: .unbounded)
    let task = Task { [self] in
      var reader = self.reader
      for (event, time) in first { continuation.yield(.event(event, time)) }
      var toldCaughtUp = false
      while !Task.isCancelled {
        let data = (try? handle.handle.read(upToCount: 256 * 1024)) ?? Data()
        if !data.isEmpty {
          toldCaughtUp = false
          for (event, time) in (try? reader.feed(data)) ?? [] { continuation.yield(.event(event, time)) }
          continue
        }
        if reader.sawFinish || !follow || !Self.isAlive(header.pid) {
          // The writer is gone: what it wrote last may still have to be read once more.
          if follow, !reader.sawFinish, let rest = try? handle.handle.readToEnd(), !rest.isEmpty {
            for (event, time) in (try? reader.feed(rest)) ?? [] { continuation.yield(.event(event, time)) }
          }
          for (event, time) in (try? reader.finish()) ?? [] { continuation.yield(.event(event, time)) }
          if !reader.sawFinish, follow {
            continuation.yield(
              .event(
                .notice(
                  "the log's writer (pid \(header.pid)) is gone and the log ends without its last event: it was stopped hard"
                ), Date()))
          }
          continuation.yield(.end(complete: reader.sawFinish))
          break
        }
        if !toldCaughtUp {
          continuation.yield(.caughtUp)
          toldCaughtUp = true
        }
        try? await Task.sleep(for: pollInterval)
      }
      try? handle.handle.close()
      continuation.finish()
    }
    continuation.onTermination = { _ in task.cancel() }
    return stream
  }

  /// Whether process `pid` exists (pid 0: unknown, taken as gone).
  static func isAlive(_ pid: Int32) -> Bool {
    guard pid > 0 else { return false }
    return kill(pid, 0) == 0 || errno == EPERM
  }
}

/// A file handle shared with the reading task.
private final class FileHandleBox: @unchecked Sendable {
  // Read by one task at a time: `open` before the stream exists, then the stream's task.
  let handle: FileHandle
  init(_ handle: FileHandle) { self.handle = handle }
}
