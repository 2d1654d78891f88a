import Foundation
import PluginHost

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a plugin-dev log file and, when asked, follows it while its writer adds to it (like
/// `tail -F`): at the end of the file it looks again every `pollInterval` until the log's
/// `finished` event arrives or no writer holds the file any more.
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
  /// Whether to wait for more at the end of the file (never for standard input).
  public let follow: Bool
  /// How often to look for more while following.
  public var pollInterval: Duration = .milliseconds(200)
  private let source: RecordingSource
  private let first: [(SessionEvent, Date)]
  private let reader: RecordingReader

  /// Opens `path` (`-`: standard input) and reads its header (waiting up to `headerWait` for a
  /// file a writer has just created); throws a message naming the file (and line) when it is not
  /// a log this version reads, or not a regular file.
  public static func open(
    path: String, follow: Bool, headerWait: Duration = .seconds(2), maxLineLength: Int = 64 << 20
  ) async throws(RecordingError) -> RecordingFollower {
    let source = try RecordingSource.open(path)
    let follow = follow && !source.isStandardInput
    var reader = RecordingReader(path: path)
    reader.maxLineLength = maxLineLength
    var events: [(SessionEvent, Date)] = []
    let deadline = ContinuousClock.now + headerWait
    do throws(RecordingError) {
      while reader.header == nil {
        let data = source.read(upTo: 64 * 1024)
        if data.isEmpty {
          if reader.hasPartialLine, !follow || ContinuousClock.now >= deadline {
            events += try reader.finish()
            continue
          }
          guard follow, ContinuousClock.now < deadline else {
            throw RecordingError(path: path, line: nil, message: "the file is empty: not a plugin-dev log (yet)")
          }
          try? await Task.sleep(for: .milliseconds(50))
          continue
        }
        events += try reader.feed(data)
      }
    } catch {
      source.close()
      throw error
    }
    guard let header = reader.header else { throw RecordingError(path: path, line: 1, message: "no header") }
    return RecordingFollower(
      path: path, header: header, follow: follow, source: source, first: events, reader: reader)
  }

  private init(
    path: String, header: RecordingHeader, follow: Bool, source: RecordingSource, first: [(SessionEvent, Date)],
    reader: RecordingReader
  ) {
    self.path = path
    self.header = header
    self.follow = follow
    self.source = source
    self.first = first
    self.reader = reader
  }

  /// The log's events in order, then `.end`; `.caughtUp` each time following reaches the end
  /// of what was written. Cancel the task reading it to stop following.
  ///
  /// Following ends when the `finished` event is read or when no writer holds the file any more
  /// (the header's pid is only a fallback where the file system has no locks: a pid can be reused,
  /// or be 1); a truncated file is read again from its start, a rotated one from the new file's.
  public func items() -> AsyncStream<Item> {
    let (stream, continuation) = AsyncStream<Item>.makeStream(bufferingPolicy: .unbounded)
    let task = Task { [self] in
      var reader = self.reader
      func send(_ events: [(SessionEvent, Date)]) {
        for (event, time) in events { continuation.yield(.event(event, time)) }
      }
      send(first)
      var toldCaughtUp = false
      while !Task.isCancelled {
        let data = source.read(upTo: 256 * 1024)
        if !data.isEmpty {
          toldCaughtUp = false
          send((try? reader.feed(data)) ?? [])
          continue
        }
        if follow, !reader.sawFinish, let change = source.change() {
          reader = restarted(reader, after: change, continuation: continuation)
          continue
        }
        if reader.sawFinish || !follow || !writerIsAlive() {
          // The writer is gone: what it wrote last may still have to be read once more.
          while follow, !reader.sawFinish, case let rest = source.read(upTo: 256 * 1024), !rest.isEmpty {
            send((try? reader.feed(rest)) ?? [])
          }
          send((try? reader.finish()) ?? [])
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
      source.close()
      continuation.finish()
    }
    continuation.onTermination = { _ in task.cancel() }
    return stream
  }

  /// The reader to go on with after the file was truncated (the same, its partial line dropped)
  /// or replaced (a new one: the new file starts with its header).
  private func restarted(
    _ reader: RecordingReader, after change: RecordingSource.Change, continuation: AsyncStream<Item>.Continuation
  ) -> RecordingReader {
    var reader = reader
    switch change {
    case .truncated:
      reader.dropPartialLine()
      continuation.yield(.event(.notice("\(path) was truncated: reading it again from its start"), Date()))
    case .replaced:
      let maxLineLength = reader.maxLineLength
      reader = RecordingReader(path: path)
      reader.maxLineLength = maxLineLength
      continuation.yield(.event(.notice("\(path) was replaced by a new file (rotated): reading the new file"), Date()))
    }
    return reader
  }

  /// Whether a writer still holds the file; by the header's pid where locks say nothing.
  private func writerIsAlive() -> Bool {
    source.writerHoldsLock() ?? Self.isAlive(header.pid)
  }

  /// Whether process `pid` exists (pid 0: unknown, taken as gone).
  static func isAlive(_ pid: Int32) -> Bool {
    guard pid > 0 else { return false }
    return kill(pid, 0) == 0 || errno == EPERM
  }
}
