import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Sends what plugin-dev itself writes to stderr (a library's log line, a warning) to a
/// callback while the screen is active, instead of letting it scribble over the screen;
/// `restore()` gives fd 2 back and returns the lines, to be shown after the screen closes.
final class StderrCapture: Sendable {
  /// The real stderr, duplicated.
  let savedFD: Int32
  private let store = Store()

  private final class Store: Sendable {
    let lines = Mutex<[String]>([])
  }

  /// Starts capturing; nil when the pipe cannot be made (stderr is then left alone).
  init?(onLine: @escaping @Sendable (String) -> Void) {
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { return nil }
    let saved = dup(STDERR_FILENO)
    guard saved >= 0 else {
      close(fds[0])
      close(fds[1])
      return nil
    }
    _ = fcntl(saved, F_SETFD, FD_CLOEXEC)
    _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
    savedFD = saved
    guard dup2(fds[1], STDERR_FILENO) >= 0 else {
      close(fds[0])
      close(fds[1])
      close(saved)
      return nil
    }
    close(fds[1])
    let readFD = fds[0]
    let store = self.store
    let thread = Thread {
      var pending = [UInt8]()
      var buffer = [UInt8](repeating: 0, count: 4096)
      while true {
        let count = buffer.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
        if count < 0, errno == EINTR { continue }
        guard count > 0 else { break }
        pending += buffer[0..<count]
        while let newline = pending.firstIndex(of: 10) {
          let line = String(decoding: pending[..<newline], as: UTF8.self)
          pending.removeSubrange(...newline)
          store.lines.withLock { $0.append(line) }
          onLine(line)
        }
      }
      if !pending.isEmpty {
        let line = String(decoding: pending, as: UTF8.self)
        store.lines.withLock { $0.append(line) }
        onLine(line)
      }
      close(readFD)
    }
    thread.name = "plugin-dev stderr"
    thread.start()
  }

  /// Gives fd 2 back and returns the lines captured so far.
  func restore() -> [String] {
    _ = dup2(savedFD, STDERR_FILENO)
    close(savedFD)
    return store.lines.withLock { $0 }
  }
}
