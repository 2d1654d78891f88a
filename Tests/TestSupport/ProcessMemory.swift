import Foundation

/// A process's memory as Linux reports it in /proc/PID/status.
public enum ProcessMemory {
  /// Peak resident set size (VmHWM) in bytes, nil once the process is gone.
  public static func peakResident(_ pid: Int32) -> Int? { field("VmHWM", pid) }

  /// Current resident set size (VmRSS) in bytes, nil once the process is gone.
  public static func resident(_ pid: Int32) -> Int? { field("VmRSS", pid) }

  private static func field(_ name: String, _ pid: Int32) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
      let kilobytes = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
      return kilobytes.map { $0 * 1024 }
    }
    return nil
  }
}
