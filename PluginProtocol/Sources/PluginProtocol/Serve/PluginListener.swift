import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A listening socket a plugin serves on, bound the way go-plugin's `plugin.Serve` binds it.
///
/// TCP: 127.0.0.1, ports tried in order from `PLUGIN_MIN_PORT` to `PLUGIN_MAX_PORT` (first
/// free wins). Unix: a socket in `PLUGIN_UNIX_SOCKET_DIR` or in a fresh private directory,
/// given to `PLUGIN_UNIX_SOCKET_GROUP` when set (docs/protocol.md §2.1). `PluginServer` serves on it;
/// `wrap` listens on it for the host, so its relay binds exactly where the plugin would.
public struct PluginListener: Sendable {
  /// The bound, listening descriptor (ownership passes to the gRPC transport).
  public let fileDescriptor: Int32
  /// Field 3 of the handshake line.
  public let network: HandshakeLine.Network
  /// Field 4 of the handshake line.
  public let address: String
  /// Socket file and private directory to remove on exit.
  let socketPath: String?
  let createdDirectory: String?

  /// Removes the socket file and the directory this listener created.
  public func cleanUp() {
    if let socketPath { unlink(socketPath) }
    if let createdDirectory { rmdir(createdDirectory) }
  }

  public static func tcp(ports: ClosedRange<Int>) throws(PluginServerError) -> PluginListener {
    for port in ports {
      let fd = socket(AF_INET, Int32(socketStreamType), 0)
      guard fd >= 0 else { throw .listen("couldn't create socket: \(errnoText())") }
      var yes: Int32 = 1
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
      var addr = sockaddr_in()
      addr.sin_family = sa_family_t(AF_INET)
      addr.sin_port = in_port_t(UInt16(port).bigEndian)
      addr.sin_addr.s_addr = inet_addr("127.0.0.1")
      let bound = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
      guard bound == 0, listen(fd, 128) == 0 else {
        close(fd)
        continue
      }
      var actual = sockaddr_in()
      var length = socklen_t(MemoryLayout<sockaddr_in>.size)
      _ = withUnsafeMutablePointer(to: &actual) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
      }
      let actualPort = Int(UInt16(bigEndian: actual.sin_port))
      return PluginListener(
        fileDescriptor: fd, network: .tcp, address: "127.0.0.1:\(actualPort)", socketPath: nil,
        createdDirectory: nil)
    }
    throw .listen("couldn't bind plugin TCP listener (ports \(ports.lowerBound)–\(ports.upperBound) are all in use)")
  }

  public static func unix(directory: String?, group: String?) throws(PluginServerError) -> PluginListener {
    var created: String?
    let dir: String
    if let directory, !directory.isEmpty {
      dir = directory
    } else {
      do {
        dir = try PrivateDirectory.make(prefix: "plugin-").path
      } catch {
        throw .listen("couldn't create a private socket directory: \(error)")
      }
      created = dir
    }
    let path = (dir.hasSuffix("/") ? dir : dir + "/") + "plugin.sock"
    guard path.utf8.count <= HandshakeLine.maxSocketPathLength else {
      if let created { rmdir(created) }
      throw .listen(
        "socket path \(path) is \(path.utf8.count) bytes, more than the \(HandshakeLine.maxSocketPathLength) "
          + "a unix socket allows; set a shorter TMPDIR or PLUGIN_UNIX_SOCKET_DIR")
    }
    unlink(path)
    let fd = socket(AF_UNIX, Int32(socketStreamType), 0)
    guard fd >= 0 else { throw .listen("couldn't create socket: \(errnoText())") }
    var addr = sockaddr_un()
    addr.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &addr.sun_path) { raw in
      for (i, byte) in path.utf8.enumerated() { raw[i] = byte }
      raw[path.utf8.count] = 0
    }
    let bound = withUnsafePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    guard bound == 0 else {
      let text = errnoText()
      close(fd)
      if let created { rmdir(created) }
      throw .listen("couldn't bind unix socket \(path): \(text)")
    }
    if let group, !group.isEmpty {
      // The socket, and the private folder made for it (else the group could not reach the
      // socket inside), belong to the group, as go-plugin's setGroupWritable leaves them.
      let failure =
        UnixGroup.give(path, to: group, mode: 0o660)
        ?? (created != nil ? UnixGroup.give(dir, to: group, mode: 0o770) : nil)
      if let failure {
        close(fd)
        unlink(path)
        if let created { rmdir(created) }
        throw .listen("couldn't give socket \(path) to group \(group) (PLUGIN_UNIX_SOCKET_GROUP): \(failure)")
      }
    } else {
      chmod(path, 0o600)
    }
    guard listen(fd, 128) == 0 else {
      let text = errnoText()
      close(fd)
      unlink(path)
      if let created { rmdir(created) }
      throw .listen("couldn't listen on \(path): \(text)")
    }
    return PluginListener(
      fileDescriptor: fd, network: .unix, address: path, socketPath: path, createdDirectory: created)
  }

  private static func errnoText() -> String { String(cString: strerror(errno)) }

  #if os(Linux)
    private static let socketStreamType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
  #else
    private static let socketStreamType = SOCK_STREAM
  #endif
}
