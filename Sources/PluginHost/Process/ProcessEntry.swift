/// One process as `/proc/PID/stat` describes it (Linux): enough to find a plugin's leftovers.
public struct ProcessEntry: Sendable, Equatable {
  /// Process id.
  public var pid: Int32
  /// Parent process id.
  public var ppid: Int32
  /// Process group id.
  public var pgrp: Int32
  /// State letter (`R`, `S`, `Z` zombie, …).
  public var state: Character
  /// The command name (`comm`, at most 15 characters).
  public var name: String

  /// Creates an entry.
  public init(pid: Int32, ppid: Int32, pgrp: Int32, state: Character, name: String) {
    self.pid = pid
    self.ppid = ppid
    self.pgrp = pgrp
    self.state = state
    self.name = name
  }

  /// True for a process that has ended but not been reaped.
  public var isZombie: Bool { state == "Z" || state == "X" }

  /// Parses the text of `/proc/PID/stat`: `pid (comm) state ppid pgrp …`; the name may hold spaces and parentheses.
  public static func parse(stat: String) -> ProcessEntry? {
    guard let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")"), open < close,
      let pid = Int32(stat[..<open].trimmingCharacters(in: .whitespaces))
    else { return nil }
    let name = String(stat[stat.index(after: open)..<close])
    let rest = stat[stat.index(after: close)...].split(separator: " ")
    guard rest.count >= 3, let state = rest[0].first, let ppid = Int32(rest[1]), let pgrp = Int32(rest[2]) else {
      return nil
    }
    return ProcessEntry(pid: pid, ppid: ppid, pgrp: pgrp, state: state, name: name)
  }
}
