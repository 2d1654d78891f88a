import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads the process table from `/proc` (Linux; empty elsewhere) and reaps adopted orphans.
public enum ProcessTable {
  /// Every process visible now (empty outside Linux).
  public static func snapshot() -> [ProcessEntry] {
    #if os(Linux)
      guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
      return names.compactMap { name in
        guard Int32(name) != nil, let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8) else {
          return nil
        }
        return ProcessEntry.parse(stat: stat)
      }
    #else
      return []
    #endif
  }

  /// Live (not zombie) members of process group `pgrp`, other than `except`.
  public static func groupMembers(_ pgrp: Int32, except: Int32? = nil) -> [ProcessEntry] {
    snapshot().filter { $0.pgrp == pgrp && $0.pid != except && !$0.isZombie }
  }

  /// Children of this process other than `except` and the `Watchdog` (after
  /// `ChildSubreaper.enable()`, orphans of its descendants).
  public static func ownChildren(except: Set<Int32> = []) -> [ProcessEntry] {
    let me = getpid()
    let watchdog = Watchdog.pid
    return snapshot().filter { $0.ppid == me && !except.contains($0.pid) && $0.pid != watchdog }
  }

  /// The command line of `pid` (arguments joined by spaces), or nil when it is gone or a zombie
  /// (always nil outside Linux).
  public static func commandLine(_ pid: Int32) -> String? {
    #if os(Linux)
      guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return nil }
      return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
    #else
      return nil
    #endif
  }

  /// Collects the exit status of a child of this process without blocking; true when it was reaped.
  @discardableResult
  public static func reap(_ pid: Int32) -> Bool {
    var status: Int32 = 0
    return waitpid(pid, &status, WNOHANG) == pid
  }

  /// SIGKILLs `pid` and reaps it (waiting up to about a second).
  public static func killAndReap(_ pid: Int32) async {
    kill(pid, SIGKILL)
    for _ in 0..<100 {
      if reap(pid) { return }
      try? await Task.sleep(for: .milliseconds(10))
    }
  }
}
