import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Holds a TCP port on 127.0.0.1 open so a plugin under test has to pick another.
public final class TCPPortBlocker: Sendable {
  private let fd: Int32

  /// Binds and listens on `port`.
  public init(port: Int) throws {
    fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0, listen(fd, 1) == 0 else {
      Glibc.close(fd)
      throw POSIXError(.EADDRINUSE)
    }
  }

  /// Releases the port.
  public func close() { Glibc.close(fd) }
}
