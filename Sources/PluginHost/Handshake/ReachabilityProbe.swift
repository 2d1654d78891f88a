import Foundation
import PluginProtocol

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Tries a plain connect to the address a handshake announced: the line is only useful if
/// something accepts connections there.
///
/// Non-blocking, with a deadline, and cancellable: an address whose accept queue is full (or a
/// firewall that drops the SYN) makes a blocking `connect()` wait about two minutes (issue #17
/// item 2). Only literal IPv4 addresses and unix sockets are probed; names and IPv6 are left to
/// the gRPC client.
public enum ReachabilityProbe {
  /// How long the connect may take.
  public static let deadline: Duration = .seconds(3)

  /// Why nothing answers at the line's address, or nil when a connect succeeded (or was not tried).
  public static func problem(with line: HandshakeLine, within deadline: Duration = deadline) async
    -> HandshakeDiagnosis?
  {
    guard let (fd, result) = startConnect(line) else { return nil }
    defer { close(fd) }
    let reason: String?
    if result == 0 {
      reason = nil
    } else if errno == EINPROGRESS {
      reason = await waitForConnect(fd, until: .now + deadline)
    } else if errno == EAGAIN {
      reason =
        "connect: resource temporarily unavailable (the socket's accept queue is full: is the plugin accepting connections?)"
    } else {
      reason = "connect: " + String(cString: strerror(errno)).lowercased()
    }
    return reason.map { .unreachable(address: line.address, reason: $0) }
  }

  /// Polls until the connect completes, fails, or the deadline passes; nil on success.
  private static func waitForConnect(_ fd: Int32, until end: ContinuousClock.Instant) async -> String? {
    while ContinuousClock.now < end, !Task.isCancelled {
      var entry = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
      let ready = poll(&entry, 1, 0)
      if ready > 0 {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        return error == 0 ? nil : "connect: " + String(cString: strerror(error)).lowercased()
      }
      try? await Task.sleep(for: .milliseconds(10))
    }
    if Task.isCancelled { return nil }
    return "connect: no answer within \(deadline) (the plugin's accept queue may be full, or nothing accepts there)"
  }

  /// A non-blocking socket with `connect()` started; nil when the address is not probed.
  private static func startConnect(_ line: HandshakeLine) -> (Int32, Int32)? {
    switch line.network {
    case .tcp:
      guard let tcp = line.tcpAddress else { return nil }
      let host = tcp.dialHost == "localhost" ? "127.0.0.1" : tcp.dialHost
      guard inet_addr(host) != INADDR_NONE else { return nil }
      let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
      guard fd >= 0 else { return nil }
      var addr = sockaddr_in()
      addr.sin_family = sa_family_t(AF_INET)
      addr.sin_port = in_port_t(UInt16(truncatingIfNeeded: tcp.port).bigEndian)
      addr.sin_addr.s_addr = inet_addr(host)
      let result = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
      }
      return (fd, result)
    case .unix:
      let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
      guard fd >= 0 else { return nil }
      var addr = sockaddr_un()
      addr.sun_family = sa_family_t(AF_UNIX)
      let bytes = Array(line.address.utf8.prefix(MemoryLayout.size(ofValue: addr.sun_path) - 1))
      withUnsafeMutableBytes(of: &addr.sun_path) { raw in
        for (i, b) in bytes.enumerated() { raw[i] = b }
      }
      let result = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
        }
      }
      return (fd, result)
    }
  }
}
