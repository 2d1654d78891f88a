import Foundation
import NIOCore
import NIOPosix
import Synchronization
import TestSupport
import Testing
import Traffic

@testable import Relay

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Collects what the proxy reports.
final class ProxyRecorder: Sendable {
  private struct State {
    var bytes: [Int: [Direction: [UInt8]]] = [:]
    var events: [TapProxy.ConnectionEvent] = []
  }

  private let state = Mutex(State())

  var onBytes: TapProxy.BytesHandler {
    { [self] id, direction, bytes in state.withLock { $0.bytes[id, default: [:]][direction, default: []] += bytes } }
  }

  var onEvent: TapProxy.EventHandler {
    { [self] event in state.withLock { $0.events.append(event) } }
  }

  func bytes(_ id: Int, _ direction: Direction) -> [UInt8] {
    state.withLock { $0.bytes[id]?[direction] ?? [] }
  }

  func total(_ direction: Direction) -> Int {
    state.withLock { $0.bytes.values.reduce(0) { $0 + ($1[direction]?.count ?? 0) } }
  }

  var events: [TapProxy.ConnectionEvent] { state.withLock { $0.events } }
}

@Suite("Tap proxy", .serialized, .timeLimit(.minutes(1)))
struct TapProxyTests {
  static func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
    var rng = SeededGenerator(seed: seed)
    return (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
  }

  /// Compares without letting a failure print megabytes of bytes.
  static func expectSame(_ a: [UInt8], _ b: [UInt8], _ what: String, sourceLocation: SourceLocation = #_sourceLocation)
  {
    let equal = a == b
    #expect(equal, "\(what): \(a.count) vs \(b.count) bytes", sourceLocation: sourceLocation)
  }

  static func socketAddress(_ address: TapProxy.Address) throws -> SocketAddress {
    switch address {
    case .tcp(let host, let port): try SocketAddress(ipAddress: host, port: port)
    case .unix(let path): try SocketAddress(unixDomainSocketPath: path)
    }
  }

  @Test func relaysBothWaysUnchangedOverTCPIncludingOneMebibyte() async throws {
    let echo = try await TestServer.echo()
    let recorder = ProxyRecorder()
    let proxy = try await TapProxy.start(
      listen: .tcp(host: "127.0.0.1", port: 0), target: .tcp(host: "127.0.0.1", port: echo.port),
      onBytes: recorder.onBytes, onEvent: recorder.onEvent)
    guard case .tcp(_, let port) = proxy.listeningAddress else {
      Issue.record("expected a tcp address")
      return
    }
    #expect(port != 0)

    let payload = Self.randomBytes(1 << 20, seed: 1)
    let received = try await withTimeout(45, "1 MiB echo") {
      try await exchange(try await connectClient(try Self.socketAddress(proxy.listeningAddress)), payload)
    }
    #expect(received.count == payload.count)
    Self.expectSame(received, payload, "echoed bytes differ")

    try await waitUntil(30, "closed event") { recorder.events.contains(.closed(id: 1)) }
    #expect(recorder.events == [.opened(id: 1), .closed(id: 1)])
    Self.expectSame(recorder.bytes(1, .hostToPlugin), payload, "reported host bytes differ")
    Self.expectSame(recorder.bytes(1, .pluginToHost), payload, "reported plugin bytes differ")
    #expect(proxy.activeConnectionCount == 0)

    await proxy.close()
    await echo.close()
  }

  @Test func smallExchangesKeepOrderAndConnectionsGetTheirOwnIDs() async throws {
    let echo = try await TestServer.echo()
    let recorder = ProxyRecorder()
    let proxy = try await TapProxy.start(
      listen: .tcp(host: "127.0.0.1", port: 0), target: .tcp(host: "127.0.0.1", port: echo.port),
      onBytes: recorder.onBytes, onEvent: recorder.onEvent)
    let address = try Self.socketAddress(proxy.listeningAddress)
    try await withTimeout(45, "three connections") {
      try await withThrowingTaskGroup(of: Void.self) { group in
        for index in 0..<3 {
          group.addTask {
            let message = Array("message \(index) ".utf8) + Self.randomBytes(1000 * (index + 1), seed: UInt64(index))
            let back = try await exchange(try await connectClient(address), message, chunk: 7)
            Self.expectSame(back, message, "echo differs")
          }
        }
        try await group.waitForAll()
      }
    }
    try await waitUntil(30, "all closed") {
      recorder.events.filter { if case .closed = $0 { true } else { false } }.count == 3
    }
    let ids = Set(recorder.events.map(\.connectionID))
    #expect(ids == [1, 2, 3])
    for id in ids {
      Self.expectSame(recorder.bytes(id, .hostToPlugin), recorder.bytes(id, .pluginToHost), "connection \(id)")
      #expect(!recorder.bytes(id, .hostToPlugin).isEmpty)
    }
    await proxy.close()
    await echo.close()
  }

  @Test func listensOnAUnixSocket() async throws {
    let echo = try await TestServer.echo()
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "wiretap-\(UUID().uuidString.prefix(8)).sock"
    ).path
    let recorder = ProxyRecorder()
    let proxy = try await TapProxy.start(
      listen: .unix(path: path), target: .tcp(host: "127.0.0.1", port: echo.port),
      onBytes: recorder.onBytes, onEvent: recorder.onEvent)
    #expect(proxy.listeningAddress == .unix(path: path))
    #expect(FileManager.default.fileExists(atPath: path))
    let payload = Array("hello over a unix socket".utf8)
    let received = try await withTimeout(45, "unix echo") {
      try await exchange(try await connectClient(try SocketAddress(unixDomainSocketPath: path)), payload)
    }
    #expect(received.count == payload.count)
    Self.expectSame(received, payload, "echoed bytes differ")
    try await waitUntil(30, "closed event") { recorder.events.contains(.closed(id: 1)) }
    Self.expectSame(recorder.bytes(1, .hostToPlugin), payload, "reported host bytes differ")
    await proxy.close()
    #expect(!FileManager.default.fileExists(atPath: path))
    await echo.close()
  }

  /// Clients that write and half-close at once can deliver data and EOF before the target
  /// is dialled (NIO reads on EOF even while reads are paused); nothing may be lost.
  @Test func quickClientsThatHalfCloseImmediately() async throws {
    let echo = try await TestServer.echo()
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "wiretap-q-\(UUID().uuidString.prefix(8)).sock"
    ).path
    let recorder = ProxyRecorder()
    let proxy = try await TapProxy.start(
      listen: .unix(path: path), target: .tcp(host: "127.0.0.1", port: echo.port),
      onBytes: recorder.onBytes, onEvent: recorder.onEvent)
    let address = try SocketAddress(unixDomainSocketPath: path)
    let clients = 40
    let results = try await withTimeout(45, "quick clients") {
      try await withThrowingTaskGroup(of: Bool.self) { group in
        for index in 0..<clients {
          group.addTask {
            let message = Array("quick \(index)".utf8)
            return try await exchange(try await connectClient(address), message) == message
          }
        }
        var ok = 0
        for try await same in group where same { ok += 1 }
        return ok
      }
    }
    #expect(results == clients)
    try await waitUntil(30, "all closed") { recorder.events.count == 2 * clients }
    await proxy.close()
    await echo.close()
  }

  @Test func relaysToAUnixSocketTarget() async throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "wiretap-t-\(UUID().uuidString.prefix(8)).sock"
    ).path
    let echo = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .childChannelOption(.allowRemoteHalfClosure, value: true)
      .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(EchoHandler()) }
      }
      .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
    let recorder = ProxyRecorder()
    let proxy = try await TapProxy.start(
      listen: .tcp(host: "127.0.0.1", port: 0), target: .unix(path: path), onBytes: recorder.onBytes,
      onEvent: recorder.onEvent)
    let payload = Self.randomBytes(100_000, seed: 3)
    let received = try await withTimeout(45, "unix target echo") {
      try await exchange(try await connectClient(try Self.socketAddress(proxy.listeningAddress)), payload)
    }
    #expect(received.count == payload.count)
    Self.expectSame(received, payload, "echoed bytes differ")
    await proxy.close()
    try? await echo.close()
    try? FileManager.default.removeItem(atPath: path)
  }

  @Test func targetDownYieldsAFailedEventAndClosesTheClient() async throws {
    // A port bound and never listened on, held for the whole test: connecting is refused, and no
    // other test running in parallel can take the port (a port closed again could be reused).
    let (holder, deadPort) = try Self.boundNotListening()
    defer { close(holder) }

    let recorder = ProxyRecorder()
    let proxy = try await TapProxy.start(
      listen: .tcp(host: "127.0.0.1", port: 0), target: .tcp(host: "127.0.0.1", port: deadPort),
      onBytes: recorder.onBytes, onEvent: recorder.onEvent)
    let client = try await connectClient(try Self.socketAddress(proxy.listeningAddress))
    let received = try await withTimeout(45, "client closed by proxy") {
      try await client.executeThenClose { inbound, _ in
        var bytes: [UInt8] = []
        do {
          for try await buffer in inbound { bytes += buffer.readableBytesView }
        } catch {
          // A reset is as good as EOF here.
        }
        return bytes
      }
    }
    #expect(received.isEmpty)
    try await waitUntil(30, "failed event") { !recorder.events.isEmpty }
    guard case .failed(let id, let reason) = recorder.events.first else {
      Issue.record("expected a failed event, got \(recorder.events)")
      return
    }
    #expect(id == 1)
    #expect(reason.contains("could not connect to 127.0.0.1:\(deadPort)"))
    #expect(recorder.events.count == 1)
    await proxy.close()
  }

  /// A TCP socket bound to a free loopback port and never listened on, and that port.
  static func boundNotListening() throws -> (Int32, Int) {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
        bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
      }
    }
    guard descriptor >= 0, bound else { throw POSIXError(.EADDRNOTAVAIL) }
    return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
  }

  @Test func readingPausesWhileTheTargetDoesNotRead() async throws {
    let stalled = try await TestServer.stalled()
    let recorder = ProxyRecorder()
    let proxy = try await TapProxy.start(
      listen: .tcp(host: "127.0.0.1", port: 0), target: .tcp(host: "127.0.0.1", port: stalled.port),
      onBytes: recorder.onBytes, onEvent: recorder.onEvent)
    let client = try await connectClient(try Self.socketAddress(proxy.listeningAddress))
    let total = 96 << 20
    let writer = Task {
      try await client.executeThenClose { _, outbound in
        let chunk = ByteBuffer(bytes: [UInt8](repeating: 0x61, count: 64 * 1024))
        var sent = 0
        while sent < total, !Task.isCancelled {
          try await outbound.write(chunk)
          sent += chunk.readableBytes
        }
      }
    }
    try await waitUntil(30, "the first bytes relayed") { recorder.total(.hostToPlugin) > 0 }
    // What is asserted is that something does NOT happen: the proxy does not read on while the
    // target does not. So this is a bounded wait by design (2 s; a loaded machine only makes the
    // proxy read less in it, never more).
    try await Task.sleep(for: .seconds(2))
    let relayed = recorder.total(.hostToPlugin)
    // Kernel socket buffers hold a few MiB; without back-pressure all 96 MiB would be read.
    #expect(relayed > 0)
    #expect(relayed < 40 << 20, "the proxy read \(relayed) bytes the target never accepted")
    writer.cancel()
    await proxy.close()
    _ = await writer.result
    await stalled.close()
  }

  @Test func closeEndsActiveConnections() async throws {
    let echo = try await TestServer.echo()
    let recorder = ProxyRecorder()
    let proxy = try await TapProxy.start(
      listen: .tcp(host: "127.0.0.1", port: 0), target: .tcp(host: "127.0.0.1", port: echo.port),
      onBytes: recorder.onBytes, onEvent: recorder.onEvent)
    let client = try await connectClient(try Self.socketAddress(proxy.listeningAddress))
    try await waitUntil(30, "opened") { recorder.events.contains(.opened(id: 1)) }
    await proxy.close()
    try await withTimeout(45, "client sees the close") {
      try await client.executeThenClose { inbound, _ in
        do {
          for try await _ in inbound {}
        } catch {}
      }
    }
    try await waitUntil(30, "closed event") { recorder.events.contains(.closed(id: 1)) }
    await echo.close()
  }

  @Test func listenFailureIsAnError() async throws {
    let echo = try await TestServer.echo()
    await #expect(throws: TapProxyError.self) {
      _ = try await TapProxy.start(
        listen: .tcp(host: "127.0.0.1", port: echo.port), target: .tcp(host: "127.0.0.1", port: 1),
        onBytes: { _, _, _ in })
    }
    await echo.close()
  }
}
