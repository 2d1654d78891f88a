import Foundation
import PluginHost
import PluginSession
import PluginWrap
import Scaffold

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `wrap [--log FILE] -- COMMAND…` inside this binary: what `plugin-dev wrap` does (the same
/// `Wrapper` and log), built in release like the rest of the benchmark.
func wrapShim(_ arguments: [String]) async -> Never {
  var rest = arguments[...]
  var log: SessionRecorder?
  if rest.first == "--log", rest.count > 1 {
    let path = rest.dropFirst().first ?? ""
    log = try? SessionRecorder(
      path: path, header: RecordingHeader(writer: "wrap", hostPid: getppid(), command: [], autoMTLS: false))
    rest = rest.dropFirst(2)
  }
  if rest.first == "--" { rest = rest.dropFirst() }
  guard let executable = rest.first else { exit(2) }
  let status = await Wrapper(executable: executable, arguments: Array(rest.dropFirst()), log: log, output: .standard)
    .run()
  // As `plugin-dev wrap` ends (its exit code; a benchmark's plugin is not killed by a signal).
  if case .exited(let code) = status { exit(code) }
  exit(1)
}

/// The genuine go-plugin 1.0.1 host and Go plugins, built in GOPATH mode against Debian's
/// go-plugin: `kvhost` (Tests/Fixtures/gohost, with `-bench N`), the Go template's plugin
/// (`kvgo`) and `gokv` (Benchmarks/Fixtures/gokv: go-plugin's examples/grpc plugin, with an
/// in-memory store on `KV_STORE=memory`).
struct GoFixtures {
  let folder: URL
  let host: String
  let template: String
  let gokv: String
  var store: URL { folder.appendingPathComponent("store") }

  /// Builds them, or says why not (nil).
  static func build(for mode: String) async throws -> GoFixtures? {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let debianGoPath = "/usr/share/gocode"
    guard FileManager.default.fileExists(atPath: "\(debianGoPath)/src/github.com/hashicorp/go-plugin/server.go") else {
      print("\(mode): skipped: needs Go and Debian's go-plugin sources (.ci/run installs them)")
      return nil
    }
    let gopath = FileManager.default.temporaryDirectory.appendingPathComponent("plugin-dev-bench-go-\(getpid())")
    let src = gopath.appendingPathComponent("src")
    for (name, main) in [("kvhost", "Tests/Fixtures/gohost/main.go"), ("gokv", "Benchmarks/Fixtures/gokv/main.go")] {
      let folder = src.appendingPathComponent(name)
      try FileManager.default.createDirectory(
        at: folder.appendingPathComponent("proto"), withIntermediateDirectories: true)
      try FileManager.default.copyItem(
        at: root.appendingPathComponent(main), to: folder.appendingPathComponent("main.go"))
      for file in ["kv.pb.go", "kv_grpc.pb.go"] {
        try FileManager.default.copyItem(
          at: root.appendingPathComponent("Templates/kv-go/proto/\(file)"),
          to: folder.appendingPathComponent("proto/\(file)"))
      }
    }
    let library = try TemplateLibrary.load(root: root.appendingPathComponent("Templates"))
    _ = try Scaffolder(pluginDevPath: root).generate(
      template: try library.lookup(name: "kv", language: "go"), name: "kvgo", into: src)
    for name in ["kvhost", "kvgo", "gokv"] {
      let status = try await run(
        "go", ["build", "-o", name, "."], in: src.appendingPathComponent(name).path,
        environment: [
          "GO111MODULE": "off", "GOPATH": "\(gopath.path):\(debianGoPath)",
          "GOCACHE": gopath.appendingPathComponent(".cache").path, "GOFLAGS": "",
        ])
      guard status == .exited(0) else {
        print("\(mode): skipped: go build \(name) failed")
        return nil
      }
    }
    try FileManager.default.createDirectory(
      at: gopath.appendingPathComponent("store"), withIntermediateDirectories: true)
    return GoFixtures(
      folder: gopath, host: src.appendingPathComponent("kvhost/kvhost").path,
      template: src.appendingPathComponent("kvgo/kvgo").path, gokv: src.appendingPathComponent("gokv/gokv").path)
  }

  func remove() { try? FileManager.default.removeItem(at: folder) }
}

/// The genuine go-plugin 1.0.1 host (Tests/Fixtures/gohost) calling the Go template's plugin
/// directly and through `wrap` (with and without `--log`), in alternating rounds; the host
/// measures each call itself (`kvhost -bench N`).
func wrapBenchmark() async throws {
  guard let go = try await GoFixtures.build(for: "wrap") else { return }
  defer { go.remove() }
  let plugin = go.template
  let me = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
  let log = go.folder.appendingPathComponent("wrap.jsonl").path
  var modes: [(String, [String])] = [
    ("direct", [plugin]), ("wrap", [me, "wrap", "--", plugin]),
    ("wrap --log", [me, "wrap", "--log", log, "--", plugin]),
  ]
  // The floor for any relay in wrap's place: socat (C, one process) relaying the plugin's unix socket.
  let socat = ["/usr/bin/socat", "/bin/socat"].first { FileManager.default.isExecutableFile(atPath: $0) }
  if let socat {
    let script = go.folder.appendingPathComponent("socat-relay.sh")
    try socatRelayScript(socat: socat).write(to: script, atomically: true, encoding: .utf8)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
    modes.append(("socat relay", [script.path, plugin]))
  } else {
    report("wrap: socat is not installed: no minimal-relay reference (apt-get install socat)")
  }
  let calls = 2000
  var p50: [String: [Double]] = [:]
  var p99: [String: [Double]] = [:]
  var ready: [String: [Double]] = [:]
  for _ in 0..<7 {
    for (name, command) in modes {
      let figures = try await hostBench(go.host, command, calls: calls, store: go.store)
      p50[name, default: []].append(figures.p50)
      p99[name, default: []].append(figures.p99)
      ready[name, default: []].append(figures.ready)
    }
  }
  let base = median(p50["direct"] ?? [])
  report(
    String(
      format:
        "wrap: Go host → Go plugin, KV Get p50 direct %.0f µs (p99 %.0f µs), ready %.1f ms (medians of 7 rounds × %d calls)",
      base, median(p99["direct"] ?? []), median(ready["direct"] ?? []) / 1000, calls))
  for name in ["wrap", "wrap --log"] + (socat == nil ? [] : ["socat relay"]) {
    let ratios = zip(p50[name] ?? [], p50["direct"] ?? []).map { $0 / $1 }
    report(
      String(
        format:
          "wrap: %@: p50 %.0f µs, p99 %.0f µs, ready %.1f ms; p50 ratio to direct median %.3f (min %.3f, max %.3f) — target ≤ 1.10",
        name, median(p50[name] ?? []), median(p99[name] ?? []), median(ready[name] ?? []) / 1000, median(ratios),
        ratios.min() ?? .nan, ratios.max() ?? .nan))
  }
}

/// A stand-in for `wrap` that relays with socat: reads the plugin's handshake (a unix socket),
/// relays a socket of its own to it and prints the handshake pointing there.
func socatRelayScript(socat: String) -> String {
  """
  #!/bin/sh
  dir=$(mktemp -d)
  "$@" | {
    IFS='|' read -r core app network address protocol rest
    \(socat) UNIX-LISTEN:"$dir/relay.sock",fork UNIX-CONNECT:"$address" &
    relay=$!
    while [ ! -S "$dir/relay.sock" ]; do sleep 0.001; done
    echo "$core|$app|unix|$dir/relay.sock|$protocol"
    cat >/dev/null
    kill $relay
    rm -rf "$dir"
  }

  """
}

/// One `kvhost -bench N` run: p50, p99 and ready in µs.
func hostBench(
  _ host: String, _ command: [String], calls: Int, store: URL, environment: [String: String] = [:]
) async throws -> (p50: Double, p99: Double, ready: Double) {
  let process = try await PluginProcess.start(
    .init(
      executable: host, arguments: ["-bench", "\(calls)"] + command,
      environment: environment.merging(["KV_STORE_DIR": store.path]) { $1 }))
  var line = ""
  var output: [String] = []
  for await event in process.events {
    guard case .line(let stream, let text, _) = event else { continue }
    if stream == .stdout, text.text.hasPrefix("bench ") { line = text.text }
    if !text.text.contains("[DEBUG]") { output.append(text.text) }
  }
  var values: [String: Double] = [:]
  for field in line.split(separator: " ").dropFirst() {
    let parts = field.split(separator: "=")
    if parts.count == 2 { values[String(parts[0])] = Double(parts[1]) }
  }
  guard let p50 = values["p50_us"], let p99 = values["p99_us"], let ready = values["ready_us"] else {
    throw BenchError(
      description: "kvhost printed no bench line for \(command):\n\(output.suffix(20).joined(separator: "\n"))")
  }
  return (p50, p99, ready)
}

struct BenchError: Error, CustomStringConvertible {
  var description: String
}

/// Runs a command to its end, its output drained.
func run(_ executable: String, _ arguments: [String], in folder: String, environment: [String: String])
  async throws -> PluginProcess.ExitStatus?
{
  let process = try await PluginProcess.start(
    .init(executable: executable, arguments: arguments, environment: environment, workingDirectory: folder))
  for await event in process.events {
    if case .line(_, let line, _) = event { FileHandle.standardError.write(Data((line.text + "\n").utf8)) }
  }
  return process.exitStatus
}
