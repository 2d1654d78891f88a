import Foundation
import PluginHost

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Tells when the host has gone away: the read end of wrap's stdout (a pipe the host reads the
/// handshake from) closes. A thread waits in `poll(2)` for POLLERR/POLLHUP on that pipe — no
/// polling loop, no signal needed.
enum HostWatch {
  /// Calls `gone` once the host closes its end of stdout; does nothing when stdout is not a pipe.
  static func start(_ gone: @escaping @Sendable () -> Void) {
    var info = stat()
    guard fstat(STDOUT_FILENO, &info) == 0, info.st_mode & S_IFMT == S_IFIFO else { return }
    Thread.detachNewThread {
      var descriptor = pollfd(fd: STDOUT_FILENO, events: 0, revents: 0)
      while true {
        let ready = poll(&descriptor, 1, -1)
        if ready > 0, descriptor.revents & Int16(POLLERR | POLLHUP) != 0 { break }
        if ready < 0, errno != EINTR { return }
      }
      gone()
    }
  }
}
