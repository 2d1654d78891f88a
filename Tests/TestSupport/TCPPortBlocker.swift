import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Holds a TCP port on 127.0.0.1 open so a plugin under test has to pick another.
public final class TCPPortBlocker: Sendable {
  private let fd: Int32

  /// Binds and listens on `port`.
  public init(port: Int) throws {
    fd = socket(AF_INET, streamSocket, 0)
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &addr) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0, listen(fd, 1) == 0 else {
      closeDescriptor(fd)
      throw POSIXError(.EADDRINUSE)
    }
  }

  /// Releases the port.
  public func close() { closeDescriptor(fd) }
}

#if canImport(Glibc)
  private let streamSocket = Int32(SOCK_STREAM.rawValue)

  private func closeDescriptor(_ fd: Int32) { _ = Glibc.close(fd) }
#elseif canImport(Darwin)
  private let streamSocket = SOCK_STREAM

  private func closeDescriptor(_ fd: Int32) { _ = Darwin.close(fd) }
#endif
