import Foundation
import GRPCCore
import PluginHost
import PluginProtocol
import PluginSession
import Synchronization
import WireTap

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The KV store of `serve-kv` with `KV_STORE=memory`: the transport alone, as gokv's map.
final class MemoryKVStore: KVStore {
  private let values = Mutex<[String: Data]>([:])

  func get(key: String) async throws -> Data {
    guard let value = values.withLock({ $0[key] }) else { throw KVError.notFound(key) }
    return value
  }

  func put(key: String, value: Data) async throws {
    values.withLock { $0[key] = value }
  }
}

/// `serve-kv` with `KV_STORE=memory`: PluginServer and KVService as in Examples/kv-swift, over a map.
func serveMemoryKV() async -> Never {
  HCLogHandler.bootstrap(level: .info)
  let server = PluginServer(
    configuration: .init(handshake: .kvExample, network: .unix, name: "bench-kv"),
    environment: ProcessInfo.processInfo.environment)
  await server.serveAndExit { _ in [KVService(store: MemoryKVStore())] }
}

/// #14 target 1: the genuine Go host calling a Swift plugin (PluginServer, this binary as
/// `serve-kv`) against the same host calling a Go plugin (gokv, go-plugin's `plugin.Serve`),
/// both with files written plainly and both with an in-memory store; the host measures.
func serverBenchmark() async throws {
  guard let go = try await GoFixtures.build(for: "server") else { return }
  defer { go.remove() }
  let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
  let plugins: [(name: String, command: [String], environment: [String: String])] = [
    ("Go, files", [go.gokv], [:]), ("Swift, files", [me, "serve-kv"], [:]),
    ("Go, memory", [go.gokv], ["KV_STORE": "memory"]), ("Swift, memory", [me, "serve-kv"], ["KV_STORE": "memory"]),
  ]
  let calls = 2000
  var p50: [String: [Double]] = [:]
  var p99: [String: [Double]] = [:]
  var ready: [String: [Double]] = [:]
  for round in 0..<7 {
    for plugin in round % 2 == 0 ? plugins : plugins.reversed() {
      let figures = try await hostBench(
        go.host, plugin.command, calls: calls, store: go.store, environment: plugin.environment)
      p50[plugin.name, default: []].append(figures.p50)
      p99[plugin.name, default: []].append(figures.p99)
      ready[plugin.name, default: []].append(figures.ready)
    }
  }
  for plugin in plugins {
    report(
      String(
        format: "server: Go host → %@: KV Get p50 %.0f µs, p99 %.0f µs, ready %.1f ms (medians of 7 rounds × %d calls)",
        plugin.name, median(p50[plugin.name] ?? []), median(p99[plugin.name] ?? []),
        median(ready[plugin.name] ?? []) / 1000, calls))
  }
  for store in ["files", "memory"] {
    let swift = "Swift, \(store)"
    let goName = "Go, \(store)"
    let ratios = zip(p50[swift] ?? [], p50[goName] ?? []).map { $0 / $1 }
    let readyRatios = zip(ready[swift] ?? [], ready[goName] ?? []).map { $0 / $1 }
    report(
      String(
        format:
          "server: %@: Swift/Go p50 ratio median %.3f (min %.3f, max %.3f) — target ≤ 1.10; ready ratio %.3f — target ≤ 1.00",
        store, median(ratios), ratios.min() ?? .nan, ratios.max() ?? .nan, median(readyRatios)))
  }
}

/// #14 target 2: plugin-dev's client (PluginConnection, as the console and health use it) against
/// the Go host's own client, both calling the same Go plugin (gokv, in-memory store) the same
/// Get; and plugin-dev's client through the tap (decoding every frame, as `run` does).
func clientBenchmark() async throws {
  guard let go = try await GoFixtures.build(for: "client") else { return }
  defer { go.remove() }
  let calls = 2000
  var environment = PluginEnvironment.host(config: .kvExample).variables
  environment["KV_STORE"] = "memory"
  environment["KV_STORE_DIR"] = go.store.path
  let plugin = try await PluginProcess.start(.init(executable: go.gokv, environment: environment))
  var handshakeLine: HandshakeLine?
  for await event in plugin.events {
    if case .line(.stdout, let line, _) = event {
      handshakeLine = try HandshakeLine.parse(line.text, expecting: .init(clientCertificateSent: false))
      break
    }
  }
  guard let handshake = handshakeLine else { throw BenchError(description: "gokv printed no handshake") }
  Task { for await _ in plugin.events {} }
  // As `run` relays: the tap on the client connection's own thread.
  let tap = try await DecodingTap.start(for: handshake, group: EventLoopExecutor.shared.group)
  let direct = try PluginConnection(line: handshake)
  let tapped = try PluginConnection(network: .unix, address: tap.path)
  // As `run` relayed before: the tap on NIO's shared threads.
  let sharedTap = try await DecodingTap.start(for: handshake)
  let sharedTapped = try PluginConnection(network: .unix, address: sharedTap.path)
  let key = "greeting"
  try await direct.kv.put(key, Data("hello from a Go host".utf8))
  let stub = Proto_KV.Client(wrapping: direct.client)
  func gets(_ connection: PluginConnection, _ count: Int, timeout: Duration? = nil) async throws -> [Double] {
    let clock = ContinuousClock()
    var latencies: [Double] = []
    latencies.reserveCapacity(count)
    for _ in 0..<count {
      let start = clock.now
      _ = try await connection.kv.get(key, timeout: timeout)
      latencies.append(seconds(clock.now - start) * 1e6)
    }
    return latencies
  }
  _ = try await gets(direct, 200)
  _ = try await gets(tapped, 200)
  _ = try await gets(sharedTapped, 200)
  var goP50: [Double] = []
  var goP99: [Double] = []
  var directP50: [Double] = []
  var directP99: [Double] = []
  var tapP50: [Double] = []
  var tapP99: [Double] = []
  var loopP50: [Double] = []
  var sharedTapP50: [Double] = []
  var sharedTapP99: [Double] = []
  var timeoutP50: [Double] = []
  var grpcTimeoutP50: [Double] = []
  for round in 0..<7 {
    // The Go host starts its own gokv; plugin-dev's connections stay open, as in a session.
    var order: [Int] = [0, 1, 2, 3, 4, 5, 6]
    if round % 2 == 1 { order.reverse() }
    for which in order {
      switch which {
      case 0:
        let figures = try await hostBench(
          go.host, [go.gokv], calls: calls, store: go.store, environment: ["KV_STORE": "memory"])
        goP50.append(figures.p50)
        goP99.append(figures.p99)
      case 1:
        let latencies = try await gets(direct, calls)
        directP50.append(percentile(latencies, 0.5))
        directP99.append(percentile(latencies, 0.99))
      case 3:
        // The caller itself on the connection's thread: what a caller saves that hops no more.
        let latencies = try await withTaskExecutorPreference(direct.executor) { try await gets(direct, calls) }
        loopP50.append(percentile(latencies, 0.5))
      case 6:
        let clock = ContinuousClock()
        var latencies: [Double] = []
        var options = CallOptions.defaults
        options.timeout = .seconds(15)
        for _ in 0..<calls {
          let start = clock.now
          _ = try await withTaskExecutorPreference(direct.executor) { [options] in
            try await stub.get(.with { $0.key = key }, options: options)
          }
          latencies.append(seconds(clock.now - start) * 1e6)
        }
        grpcTimeoutP50.append(percentile(latencies, 0.5))
      case 5:
        // With a deadline, as the console and health checks call.
        let latencies = try await gets(direct, calls, timeout: .seconds(15))
        timeoutP50.append(percentile(latencies, 0.5))
      case 4:
        let latencies = try await gets(sharedTapped, calls)
        sharedTapP50.append(percentile(latencies, 0.5))
        sharedTapP99.append(percentile(latencies, 0.99))
      default:
        let latencies = try await gets(tapped, calls)
        tapP50.append(percentile(latencies, 0.5))
        tapP99.append(percentile(latencies, 0.99))
      }
    }
  }
  try await direct.shutdownPlugin()
  await direct.close()
  await tapped.close()
  await sharedTapped.close()
  let frames = await tap.close()
  _ = await sharedTap.close()
  _ = await plugin.waitForExit(timeout: .seconds(2))
  report(
    String(
      format:
        "client: KV Get to gokv (in memory), p50/p99: Go host's client %.0f/%.0f µs, plugin-dev's %.0f/%.0f µs, through the tap %.0f/%.0f µs (medians of 7 rounds × %d calls; %d frames decoded)",
      median(goP50), median(goP99), median(directP50), median(directP99), median(tapP50), median(tapP99), calls,
      frames))
  report(
    String(
      format: "client: plugin-dev's client called from its own I/O thread (no hop to the caller): p50 %.0f µs",
      median(loopP50)))
  report(
    String(
      format:
        "client: with a 15 s deadline (as the console and health checks call: RPCDeadline and grpc-swift's own) p50 %.0f µs, ratio to none %.3f; grpc-swift's timeout alone %.0f µs, %.3f",
      median(timeoutP50), median(zip(timeoutP50, directP50).map { $0 / $1 }), median(grpcTimeoutP50),
      median(zip(grpcTimeoutP50, directP50).map { $0 / $1 })))
  let ratios = zip(directP50, goP50).map { $0 / $1 }
  report(
    String(
      format: "client: plugin-dev/Go host p50 ratio median %.3f (min %.3f, max %.3f) — target ≤ 1.10", median(ratios),
      ratios.min() ?? .nan, ratios.max() ?? .nan))
  report(
    String(
      format:
        "client: through a tap on NIO's shared threads (before): p50/p99 %.0f/%.0f µs; ratio to direct p50 %.3f, p99 %.3f",
      median(sharedTapP50), median(sharedTapP99), median(zip(sharedTapP50, directP50).map { $0 / $1 }),
      median(zip(sharedTapP99, directP99).map { $0 / $1 })))
  let tap50 = zip(tapP50, directP50).map { $0 / $1 }
  let tap99 = zip(tapP99, directP99).map { $0 / $1 }
  report(
    String(
      format: "client: tap/direct p50 ratio median %.3f — target ≤ 1.05; p99 ratio median %.3f — target ≤ 1.15",
      median(tap50), median(tap99)))
}

/// #14 target 4: `run`'s spawn → SERVING (a `Session`, as `run` drives it: spawn, handshake,
/// tap, connection, first health check) against the Go host's launch → first call answered
/// (`kvhost -bench`'s ready), on the same Go plugin (gokv, in memory), in alternating rounds.
func startBenchmark() async throws {
  guard let go = try await GoFixtures.build(for: "start") else { return }
  defer { go.remove() }
  let trace = ProcessInfo.processInfo.environment["BENCH_TRACE"] != nil
  var goReady: [Double] = []
  var serving: [Double] = []
  var handshake: [Double] = []
  for round in 0..<15 {
    for which in round % 2 == 0 ? [0, 1] : [1, 0] {
      if which == 0 {
        let figures = try await hostBench(
          go.host, [go.gokv], calls: 1, store: go.store, environment: ["KV_STORE": "memory"])
        goReady.append(figures.ready / 1000)
        continue
      }
      var target = try PluginTarget.resolve(go.gokv)
      target.environment = ["KV_STORE": "memory", "KV_STORE_DIR": go.store.path]
      var options = SessionOptions()
      options.runBuild = false
      let session = Session(target: target, options: options)
      let clock = ContinuousClock()
      let started = clock.now
      let watch = Task { () -> (Double?, Double?) in
        var handshakeAt: Double?
        for await event in session.events {
          if trace {
            var text = "\(event)".prefix(60).description
            if case .frame(let record) = event { text = "frame \(record.direction) \(record.summary.prefix(70))" }
            print(String(format: "  %.2f ms %@", seconds(clock.now - started) * 1000, text))
          }
          switch event {
          case .handshake: handshakeAt = seconds(clock.now - started) * 1000
          case .health(let sample) where sample.label == "SERVING":
            return (handshakeAt, seconds(clock.now - started) * 1000)
          default: continue
          }
        }
        return (handshakeAt, nil)
      }
      _ = await session.start()
      let (shook, ready) = await watch.value
      await session.finish()
      guard let ready else { throw BenchError(description: "the session never showed SERVING") }
      serving.append(ready)
      if let shook { handshake.append(shook) }
    }
  }
  report(
    String(
      format:
        "start: gokv (in memory): the Go host's launch → first call answered %.1f ms; run's spawn → handshake %.1f ms, → SERVING shown %.1f ms (medians of 15 rounds)",
      median(goReady), median(handshake), median(serving)))
  let ratios = zip(serving, goReady).map { $0 / $1 }
  report(
    String(
      format: "start: run's SERVING / the Go host's ready: ratio median %.3f (min %.3f, max %.3f) — target ≤ 1.10",
      median(ratios), ratios.min() ?? .nan, ratios.max() ?? .nan))
}

/// #14 target 2, as a user meets it: `run`'s console `get` (`Session.call`, its events read as
/// the TUI or headless mode reads them) with the tap (every frame decoded into the session's
/// events) against `--no-tap`, and against the Go host's client, all on gokv in memory.
func consoleBenchmark() async throws {
  guard let go = try await GoFixtures.build(for: "console") else { return }
  defer { go.remove() }
  func session(tap: Bool) async throws -> (Session, Task<Int, Never>) {
    var target = try PluginTarget.resolve(go.gokv)
    target.environment = ["KV_STORE": "memory", "KV_STORE_DIR": go.store.path]
    var options = SessionOptions()
    options.runBuild = false
    options.tap = tap
    let session = Session(target: target, options: options)
    let reader = Task {
      var frames = 0
      for await event in session.events { if case .frame = event { frames += 1 } }
      return frames
    }
    guard await session.start() else { throw BenchError(description: "the session did not start") }
    return (session, reader)
  }
  let (tapped, tappedReader) = try await session(tap: true)
  let (direct, directReader) = try await session(tap: false)
  let calls = 2000
  func gets(_ session: Session, _ count: Int) async throws -> [Double] {
    let clock = ContinuousClock()
    var latencies: [Double] = []
    latencies.reserveCapacity(count)
    for _ in 0..<count {
      let start = clock.now
      let record = await session.call(.get(key: "greeting"), text: "get greeting")
      latencies.append(seconds(clock.now - start) * 1e6)
      guard record.ok else { throw BenchError(description: "get: \(record.result)") }
    }
    return latencies
  }
  _ = await tapped.call(.put(key: "greeting", value: Data("hello from a Go host".utf8)), text: "put")
  _ = await direct.call(.put(key: "greeting", value: Data("hello from a Go host".utf8)), text: "put")
  _ = try await gets(tapped, 200)
  _ = try await gets(direct, 200)
  var goP50: [Double] = []
  var tapP50: [Double] = []
  var tapP99: [Double] = []
  var directP50: [Double] = []
  var directP99: [Double] = []
  for round in 0..<7 {
    for which in round % 2 == 0 ? [0, 1, 2] : [2, 1, 0] {
      switch which {
      case 0:
        goP50.append(
          try await hostBench(go.host, [go.gokv], calls: calls, store: go.store, environment: ["KV_STORE": "memory"])
            .p50)
      case 1:
        let latencies = try await gets(tapped, calls)
        tapP50.append(percentile(latencies, 0.5))
        tapP99.append(percentile(latencies, 0.99))
      default:
        let latencies = try await gets(direct, calls)
        directP50.append(percentile(latencies, 0.5))
        directP99.append(percentile(latencies, 0.99))
      }
    }
  }
  await tapped.finish()
  await direct.finish()
  let frames = await tappedReader.value
  _ = await directReader.value
  report(
    String(
      format:
        "console: get to gokv (in memory), p50/p99: run --no-tap %.0f/%.0f µs, run (tap) %.0f/%.0f µs; the Go host's client p50 %.0f µs (medians of 7 rounds × %d calls; %d frames read from the session)",
      median(directP50), median(directP99), median(tapP50), median(tapP99), median(goP50), calls, frames))
  report(
    String(
      format:
        "console: tap/--no-tap p50 ratio median %.3f — target ≤ 1.05; p99 ratio median %.3f — target ≤ 1.15; --no-tap/Go host p50 %.3f — target ≤ 1.10",
      median(zip(tapP50, directP50).map { $0 / $1 }), median(zip(tapP99, directP99).map { $0 / $1 }),
      median(zip(directP50, goP50).map { $0 / $1 })))
}
