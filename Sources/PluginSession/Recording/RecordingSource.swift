import Capture
import Foundation
import PluginHost

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The file `view` reads a log from: a regular file (its writer holds a shared `flock` on it
/// while it writes, see `SessionRecorder`), or standard input for `-`.
///
/// A FIFO, device or folder is refused when opened (a link to /dev/zero would never end, a FIFO
/// with no writer would block). While following, `change()` notices the file truncated under the
/// reader (read again from its start) and the path given to a new file (rotated: the new file is
/// read from its start).
final class RecordingSource: @unchecked Sendable {
  // Used by one task at a time: `RecordingFollower.open`, then the task of its stream.
  /// What happened to the file while it was followed.
  enum Change {
    /// The file is shorter than what was read: it is read again from its start.
    case truncated
    /// The path now names another file, which is read from its start.
    case replaced
  }

  /// The path given (`-` for standard input).
  let path: String
  /// Whether this is standard input (not followed: its end is its end).
  let isStandardInput: Bool
  private var descriptor: Int32
  private var offset: off_t = 0

  private init(path: String, descriptor: Int32, isStandardInput: Bool) {
    self.path = path
    self.descriptor = descriptor
    self.isStandardInput = isStandardInput
  }

  /// Opens `path` (`-`: standard input) for reading.
  /// - Throws: `RecordingError` for a missing or unreadable file and for what is not a regular file.
  static func open(_ path: String) throws(RecordingError) -> RecordingSource {
    if path == "-" { return RecordingSource(path: path, descriptor: STDIN_FILENO, isStandardInput: true) }
    return RecordingSource(path: path, descriptor: try openRegular(path), isStandardInput: false)
  }

  /// Opens without blocking (a FIFO with no writer would), then refuses anything not a regular file.
  private static func openRegular(_ path: String) throws(RecordingError) -> Int32 {
    let descriptor = systemOpen(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else {
      let reason = errno == ENOENT ? "no such file" : "cannot read it: \(String(cString: strerror(errno)))"
      throw RecordingError(path: path, line: nil, message: reason)
    }
    var status = stat()
    guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
      _ = systemClose(descriptor)
      throw RecordingError(
        path: path, line: nil,
        message:
          "not a regular file (\(PrivateOutputFile.kindName(status.st_mode & S_IFMT))): view reads log files; to read a pipe, give - and send the log to its standard input"
      )
    }
    _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
    return descriptor
  }

  /// Reads up to `count` bytes; empty at the end of what is written (or on an error).
  func read(upTo count: Int) -> Data {
    guard descriptor >= 0 else { return Data() }
    var data = Data(count: count)
    let got = data.withUnsafeMutableBytes { buffer -> Int in
      while true {
        let got = systemRead(descriptor, buffer.baseAddress, count)
        if got < 0, errno == EINTR { continue }
        return got
      }
    }
    guard got > 0 else { return Data() }
    offset += off_t(got)
    data.count = got
    return data
  }

  /// At the end of what was read: whether the file was truncated or replaced (and then it is read
  /// from the start, or the new file is).
  func change() -> Change? {
    guard !isStandardInput, descriptor >= 0 else { return nil }
    var current = stat()
    guard fstat(descriptor, &current) == 0 else { return nil }
    var named = stat()
    if stat(path, &named) == 0, named.st_ino != current.st_ino || named.st_dev != current.st_dev,
      let replacement = try? Self.openRegular(path)
    {
      _ = systemClose(descriptor)
      descriptor = replacement
      offset = 0
      return .replaced
    }
    if current.st_size < offset {
      _ = lseek(descriptor, 0, SEEK_SET)
      offset = 0
      return .truncated
    }
    return nil
  }

  /// Whether a writer holds the file (its shared lock): nil when the file system cannot say.
  func writerHoldsLock() -> Bool? {
    guard !isStandardInput, descriptor >= 0 else { return false }
    if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
      _ = flock(descriptor, LOCK_UN)
      return false
    }
    return errno == EWOULDBLOCK ? true : nil
  }

  /// Closes the file (not standard input).
  func close() {
    if descriptor >= 0, !isStandardInput { _ = systemClose(descriptor) }
    descriptor = -1
  }
}

// The class's own `read` and `close` hide the system's inside it.
private func systemOpen(_ path: String, _ flags: Int32) -> Int32 { open(path, flags) }
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
  read(descriptor, buffer, count)
}
private func systemClose(_ descriptor: Int32) -> Int32 { close(descriptor) }
