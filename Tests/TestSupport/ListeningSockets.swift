import Foundation

/// The sockets a process listens on, read from /proc (Linux): what another local process could
/// connect to.
public struct ListeningSockets: Sendable {
  /// Listening TCP ports (IPv4 and IPv6).
  public var tcpPorts: [Int] = []
  /// Paths of listening unix sockets (abstract sockets start with `@`).
  public var unixPaths: [String] = []

  /// The listening sockets of process `pid`.
  public static func of(pid: Int32) -> ListeningSockets {
    let fdFolder = "/proc/\(pid)/fd"
    var inodes = Set<String>()
    for name in (try? FileManager.default.contentsOfDirectory(atPath: fdFolder)) ?? [] {
      guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(fdFolder)/\(name)"),
        target.hasPrefix("socket:[")
      else { continue }
      inodes.insert(String(target.dropFirst(8).dropLast()))
    }
    var result = ListeningSockets()
    for file in ["/proc/net/tcp", "/proc/net/tcp6"] {
      for line in lines(file).dropFirst() {
        let fields = line.split(separator: " ")
        // sl local rem st tx:rx tr:when retrnsmt uid timeout inode; st 0A = LISTEN
        guard fields.count > 9, fields[3] == "0A", inodes.contains(String(fields[9])),
          let port = Int(fields[1].split(separator: ":").last ?? "", radix: 16)
        else { continue }
        result.tcpPorts.append(port)
      }
    }
    for line in lines("/proc/net/unix").dropFirst() {
      let fields = line.split(separator: " ")
      // Num RefCount Protocol Flags Type St Inode Path; flag 00010000 = listening
      guard fields.count > 7, fields[3] == "00010000", inodes.contains(String(fields[6])) else { continue }
      result.unixPaths.append(String(fields[7]))
    }
    return result
  }

  /// The file's lines, read to end of file (a /proc file reports size 0, so it is read until
  /// `read` returns nothing, however many sockets it lists).
  private static func lines(_ path: String) -> [Substring] {
    guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
    defer { try? handle.close() }
    let data = (try? handle.readToEnd()) ?? Data()
    return String(decoding: data, as: UTF8.self).split(separator: "\n")
  }
}
