// plugin-dev benchmarks (release build): `plugin-dev-bench --help` lists the modes (Command.swift);
// each mode's figures go to docs/performance-results.md (Results.swift).
//
//   cd Benchmarks && PLUGIN_DEV_BENCHMARKS=1 swift run -c release plugin-dev-bench [MODE…]
//
// The KV plugin is this executable re-run as `serve-kv` (the same code as Examples/kv-swift);
// `wrap` re-runs it as `wrap [--log FILE] -- COMMAND…` (the same `Wrapper` that `plugin-dev wrap`
// runs). Both are handled here, before the command line is parsed as the benchmark's.
import AutoMTLS
import Foundation
import KVExample
import NIOCore
import PluginHost
import PluginProtocol
import Relay
import Synchronization
import WireTap

let arguments = CommandLine.arguments.dropFirst()
if arguments.first == "serve-kv" {
  if ProcessInfo.processInfo.environment["KV_STORE"] == "memory" { await serveMemoryKV() }
  await KVExamplePlugin.runAndExit(name: "bench-kv")
}
// `wrap -- COMMAND…` or `wrap --log FILE -- COMMAND…`; `plugin-dev-bench wrap [MODE…]` is the benchmark.
if arguments.first == "wrap", let next = arguments.dropFirst().first, next == "--" || next == "--log" {
  await wrapShim(Array(arguments.dropFirst()))
}

/// Median of a list of numbers.
func median(_ values: [Double]) -> Double {
  let sorted = values.sorted()
  guard !sorted.isEmpty else { return .nan }
  return sorted.count % 2 == 1
    ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// A percentile (0…1) of a list of numbers.
func percentile(_ values: [Double], _ p: Double) -> Double {
  let sorted = values.sorted()
  guard !sorted.isEmpty else { return .nan }
  return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
}

func seconds(_ d: Duration) -> Double { d.seconds }

/// Starts the KV plugin (this binary as `serve-kv`) and returns it with its handshake.
func startPlugin(store: URL, clientCertificatePEM: String? = nil) async throws -> (PluginProcess, HandshakeLine) {
  let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
  var environment = PluginEnvironment.host(config: .kvExample, clientCertificatePEM: clientCertificatePEM).variables
  environment["KV_STORE_DIR"] = store.path
  let process = try await PluginProcess.start(.init(executable: exe, arguments: ["serve-kv"], environment: environment))
  for await event in process.events {
    if case .line(.stdout, let line, _) = event {
      let handshake = try HandshakeLine.parse(
        line.text, expecting: .init(clientCertificateSent: clientCertificatePEM != nil))
      // Keep draining output in the background so the pipes never fill.
      Task { for await _ in process.events {} }
      return (process, handshake)
    }
  }
  throw HandshakeDiagnosis.timeout(seconds: 0)
}

let tapCount = Atomic<Int>(0)

/// Relay + recorder: a TapProxy in front of the plugin whose bytes go to `sink`.
func startTap(
  for handshake: HandshakeLine, group: (any EventLoopGroup)? = nil, sink: @escaping TapProxy.BytesHandler
) async throws -> (TapProxy, String) {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bench-tap-\(getpid())")
  try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  let proxy = try await TapProxy.start(
    listen: .unix(path: dir.appendingPathComponent("tap\(tapCount.add(1, ordering: .relaxed).newValue).sock").path),
    target: .unix(path: handshake.address), group: group, onBytes: sink, onEvent: { _ in })
  guard case .unix(let path) = proxy.listeningAddress else { throw TapProxyError.listenFailed(address: "", reason: "") }
  return (proxy, path)
}

/// The tap as `plugin-dev run` uses it: a TapProxy whose chunks are queued to a task that
/// decodes every frame.
struct DecodingTap {
  let proxy: TapProxy
  /// The unix socket to connect to instead of the plugin.
  let path: String
  private let sink: AsyncStream<(Int, Direction, [UInt8])>.Continuation
  private let decoding: Task<Int, Never>

  static func start(for handshake: HandshakeLine, group: (any EventLoopGroup)? = nil) async throws -> DecodingTap {
    let (stream, sink) = AsyncStream<(Int, Direction, [UInt8])>.makeStream()
    let decoding = Task {
      var decoder = RelayDecoder(registry: .goPlugin)
      var frames = 0
      for await (id, direction, bytes) in stream {
        frames += decoder.feed(.bytes(connection: id, direction: direction, bytes: bytes, time: Date())).count
      }
      return frames
    }
    let noDecode = ProcessInfo.processInfo.environment["BENCH_NODECODE"] != nil
    let (proxy, path) = try await startTap(for: handshake, group: group) { id, direction, bytes in
      if noDecode { return }
      sink.yield((id, direction, bytes))
    }
    return DecodingTap(proxy: proxy, path: path, sink: sink, decoding: decoding)
  }

  /// Closes the relay; returns how many frames were decoded.
  func close() async -> Int {
    await proxy.close()
    sink.finish()
    return await decoding.value
  }
}

/// `pairs` put+get round trips; returns each call's latency in seconds.
func exercise(_ connection: PluginConnection, pairs: Int, value: Data) async throws -> [Double] {
  let clock = ContinuousClock()
  var latencies: [Double] = []
  latencies.reserveCapacity(pairs * 2)
  for i in 0..<pairs {
    let key = "k\(i % 64)"
    let t0 = clock.now
    try await connection.kv.put(key, value)
    let t1 = clock.now
    _ = try await connection.kv.get(key)
    let t2 = clock.now
    latencies.append(seconds(t1 - t0))
    latencies.append(seconds(t2 - t1))
  }
  return latencies
}

/// Per-round p50/p99 of the same calls on a baseline and a candidate connection, and the
/// candidate/baseline p50 ratios. The order alternates so drift affects both the same way.
struct Comparison {
  var baseP50: [Double] = []
  var candidateP50: [Double] = []
  var baseP99: [Double] = []
  var candidateP99: [Double] = []
  var ratios: [Double] = []
}

func compare(_ base: PluginConnection, _ candidate: PluginConnection, rounds: Int = 7, pairs: Int = 500, value: Data)
  async throws
  -> Comparison
{
  var result = Comparison()
  for round in 0..<rounds {
    let first = round % 2 == 0 ? base : candidate
    let second = round % 2 == 0 ? candidate : base
    let a = try await exercise(first, pairs: pairs, value: value)
    let b = try await exercise(second, pairs: pairs, value: value)
    let (d, t) = round % 2 == 0 ? (a, b) : (b, a)
    result.baseP50.append(percentile(d, 0.5))
    result.candidateP50.append(percentile(t, 0.5))
    result.baseP99.append(percentile(d, 0.99))
    result.candidateP99.append(percentile(t, 0.99))
    result.ratios.append(percentile(t, 0.5) / percentile(d, 0.5))
  }
  return result
}

final class Recorder: Sendable {
  let chunks = Mutex<[(Int, Direction, [UInt8])]>([])
}

/// The chunks of a KV session through the tap: 2000 put+get pairs of 100 B to this binary's KV
/// plugin, with 201 health checks around them when asked.
func recordKVSession(healthChecks: Bool) async throws -> [(Int, Direction, [UInt8])] {
  let store = FileManager.default.temporaryDirectory.appendingPathComponent("bench-kv-\(getpid())")
  try FileManager.default.createDirectory(at: store, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: store) }
  let (process, handshake) = try await startPlugin(store: store)
  let recorder = Recorder()
  let (proxy, local) = try await startTap(for: handshake) { id, direction, bytes in
    recorder.chunks.withLock { $0.append((id, direction, bytes)) }
  }
  let connection = try PluginConnection(network: .unix, address: local)
  if healthChecks { _ = try await connection.health.check() }
  _ = try await exercise(connection, pairs: 2000, value: Data(repeating: 0x61, count: 100))
  if healthChecks { for _ in 0..<200 { _ = try await connection.health.check() } }
  try await connection.shutdownPlugin()
  await connection.close()
  await proxy.close()
  _ = await process.waitForExit(timeout: .seconds(2))
  return recorder.chunks.withLock { $0 }
}

func decoderBenchmark() async throws {
  let chunks = try await recordKVSession(healthChecks: true)
  let totalBytes = chunks.reduce(0) { $0 + $1.2.count }

  let registry = MessageRegistry.goPlugin
  let clock = ContinuousClock()
  var fullRates: [Double] = []
  var frameRates: [Double] = []
  var parseRates: [Double] = []
  var frames = 0
  for _ in 0..<7 {
    // Baseline in the same run: HTTP/2 framing only (no HPACK, no gRPC, no protobuf).
    var parsers: [Direction: HTTP2FrameParser] = [
      .hostToPlugin: HTTP2FrameParser(expectsClientPreface: true),
      .pluginToHost: HTTP2FrameParser(expectsClientPreface: false),
    ]
    let p0 = clock.now
    var parsed = 0
    for (_, direction, bytes) in chunks { parsed += parsers[direction]?.feed(bytes).count ?? 0 }
    parseRates.append(Double(totalBytes) / seconds(clock.now - p0))

    var decoder = RelayDecoder(registry: registry)
    let t0 = clock.now
    var count = 0
    for (id, direction, bytes) in chunks {
      count += decoder.feed(.bytes(connection: id, direction: direction, bytes: bytes, time: Date())).count
    }
    let elapsed = seconds(clock.now - t0)
    frames = count
    fullRates.append(Double(totalBytes) / elapsed)
    frameRates.append(Double(count) / elapsed)
    _ = parsed
  }
  report(
    String(
      format: "decoder: recorded KV session %d bytes, %d frames (2000 put+get pairs of 100 B, 201 health checks)",
      totalBytes, frames))
  report(
    String(
      format: "decoder: full decode median %.1f MB/s, %.0f frames/s (7 runs)", median(fullRates) / 1e6,
      median(frameRates)))
  report(
    String(
      format: "decoder: baseline framing-only median %.1f MB/s; full decode runs at %.2f× the framing-only speed",
      median(parseRates) / 1e6, median(fullRates) / median(parseRates)))
}

func relayBenchmark() async throws {
  let store = FileManager.default.temporaryDirectory.appendingPathComponent("bench-kv-\(getpid())")
  try FileManager.default.createDirectory(at: store, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: store) }
  let (process, handshake) = try await startPlugin(store: store)
  // On the client connection's thread, as `run` relays.
  let tap = try await DecodingTap.start(for: handshake, group: EventLoopExecutor.shared.group)
  let direct = try PluginConnection(line: handshake)
  let tapped = try PluginConnection(network: .unix, address: tap.path)
  let value = Data(repeating: 0x62, count: 100)
  _ = try await exercise(direct, pairs: 200, value: value)  // warm up both
  _ = try await exercise(tapped, pairs: 200, value: value)
  let c = try await compare(direct, tapped, value: value)
  try await direct.shutdownPlugin()
  await direct.close()
  await tapped.close()
  let frames = await tap.close()
  _ = await process.waitForExit(timeout: .seconds(2))
  report(
    String(
      format: "relay: KV call p50 direct %.1f µs, through the tap %.1f µs (medians of 7 rounds × 1000 calls)",
      median(c.baseP50) * 1e6, median(c.candidateP50) * 1e6))
  report(
    String(
      format: "relay: p50 overhead ratio tap/direct median %.3f (min %.3f, max %.3f) → overhead %.1f%%",
      median(c.ratios), c.ratios.min() ?? .nan, c.ratios.max() ?? .nan, (median(c.ratios) - 1) * 100))
  report(
    String(
      format: "relay: p99 direct %.1f µs, tap %.1f µs; %d frames decoded alongside", median(c.baseP99) * 1e6,
      median(c.candidateP99) * 1e6, frames))
}

/// The same KV calls to a plaintext plugin (direct, the baseline) and to an AutoMTLS plugin the
/// way `run --auto-mtls` reaches it: plaintext to plugin-dev's relay, mutual TLS (P-521) from the
/// relay to PluginServer's TLS relay, plaintext from there to the gRPC server.
func autoMTLSBenchmark() async throws {
  let store = FileManager.default.temporaryDirectory.appendingPathComponent("bench-kv-\(getpid())")
  try FileManager.default.createDirectory(at: store, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: store) }
  let identity = try AutoMTLSIdentity.generate()
  let (plainProcess, plainLine) = try await startPlugin(store: store)
  let (tlsProcess, tlsLine) = try await startPlugin(store: store, clientCertificatePEM: identity.certificatePEM)
  let der = tlsLine.serverCertificateDER ?? []
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bench-tls-\(getpid())")
  try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  let proxy = try await TapProxy.start(
    listen: .unix(path: dir.appendingPathComponent("tls.sock").path), target: .unix(path: tlsLine.address),
    targetTLS: .init(
      context: try AutoMTLSContext.client(identity: identity, trustingServerCertificateDER: der),
      serverHostname: "localhost"),
    onBytes: { _, _, _ in })
  guard case .unix(let path) = proxy.listeningAddress else { throw TapProxyError.listenFailed(address: "", reason: "") }
  let clock = ContinuousClock()
  let c0 = clock.now
  let tls = try PluginConnection(network: .unix, address: path)
  _ = try await tls.health.check()
  let firstCall = seconds(clock.now - c0)
  let plain = try PluginConnection(line: plainLine)
  let value = Data(repeating: 0x63, count: 100)
  _ = try await exercise(plain, pairs: 200, value: value)
  _ = try await exercise(tls, pairs: 200, value: value)
  let c = try await compare(plain, tls, value: value)
  try await plain.shutdownPlugin()
  try await tls.shutdownPlugin()
  await plain.close()
  await tls.close()
  await proxy.close()
  _ = await plainProcess.waitForExit(timeout: .seconds(2))
  _ = await tlsProcess.waitForExit(timeout: .seconds(2))
  report(
    String(
      format: "automtls: first call over a new connection (P-521 mutual TLS handshake included) %.1f ms",
      firstCall * 1e3))
  report(
    String(
      format:
        "automtls: KV call p50 plaintext direct %.1f µs, AutoMTLS via both relays %.1f µs (medians of 7 rounds × 1000 calls)",
      median(c.baseP50) * 1e6, median(c.candidateP50) * 1e6))
  report(
    String(
      format: "automtls: p50 ratio AutoMTLS/plaintext median %.3f (min %.3f, max %.3f)", median(c.ratios),
      c.ratios.min() ?? .nan, c.ratios.max() ?? .nan))
}

// Parsed and run by hand: top-level code resolves `PluginDevBench.main()` to ParsableCommand's
// synchronous `main`, which refuses an async command.
do {
  var command = try PluginDevBench.parseAsRoot()
  if let bench = command as? PluginDevBench { try await bench.run() } else { try command.run() }
} catch {
  PluginDevBench.exit(withError: error)
}
