import Foundation

/// Ends a plugin's process group when wrap itself dies, however it dies (a host's SIGKILL
/// included): a small `sh` holds the read end of a pipe whose write end only wrap has; when wrap
/// is gone the read sees end of file and the shell SIGKILLs the group.
final class Watchdog: Sendable {
  private let pipe: Pipe
  private let process: Process

  private init(pipe: Pipe, process: Process) {
    self.pipe = pipe
    self.process = process
  }

  /// Starts watching; nil when the shell could not be started (wrap then ends the plugin only on exits it sees).
  static func start(processGroup: Int32) -> Watchdog? {
    let pipe = Pipe()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "read _; kill -9 -\"$1\" 2>/dev/null", "plugin-dev-watchdog", "\(processGroup)"]
    process.standardInput = pipe.fileHandleForReading
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      return nil
    }
    try? pipe.fileHandleForReading.close()
    return Watchdog(pipe: pipe, process: process)
  }

  /// The plugin ended by itself: let the shell go without killing anything.
  func disarm() {
    process.terminate()
    try? pipe.fileHandleForWriting.close()
  }
}
