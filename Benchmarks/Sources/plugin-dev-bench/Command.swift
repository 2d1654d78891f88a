import ArgumentParser
import BenchResults
import Foundation

/// A benchmark mode: what `plugin-dev-bench MODE` runs, in this order when several are asked,
/// and the order of the results file's sections.
enum Mode: String, CaseIterable, ExpressibleByArgument {
  case decoder, relay, automtls, wrap, server, client, start, console, longsession, capture

  var summary: String {
    switch self {
    case .decoder: "WireTap decoding a recorded KV session"
    case .relay: "a KV round trip through the tap vs direct"
    case .automtls: "a KV round trip over AutoMTLS (run --auto-mtls) vs plaintext"
    case .wrap: "the genuine Go host's KV call through `wrap` vs direct"
    case .server: "the Go host calling a Swift plugin vs a Go plugin"
    case .client: "plugin-dev's client vs the Go host's, to a Go plugin"
    case .start: "run's spawn → SERVING vs the Go host's launch → ready"
    case .console: "run's console `get`: through the tap, --no-tap, the Go host"
    case .longsession: "1M frames through the TUI's 100k log: memory, render time"
    case .capture: "WireTap vs tshark on a recorded capture (--capture-dir)"
    }
  }

  /// The list `--help` shows.
  static var list: String {
    allCases.map { "  " + $0.rawValue.padding(toLength: 13, withPad: " ", startingAt: 0) + $0.summary }
      .joined(separator: "\n")
  }

  func run(captureDirectory: String) async throws {
    switch self {
    case .decoder: try await decoderBenchmark()
    case .relay: try await relayBenchmark()
    case .automtls: try await autoMTLSBenchmark()
    case .wrap: try await wrapBenchmark()
    case .server: try await serverBenchmark()
    case .client: try await clientBenchmark()
    case .start: try await startBenchmark()
    case .console: try await consoleBenchmark()
    case .longsession: try await longSessionBenchmark()
    case .capture:
      if FileManager.default.fileExists(atPath: captureDirectory + "/port") {
        try await captureBenchmark(directory: captureDirectory)
      } else {
        print(
          "capture: skipped: no capture in \(captureDirectory); record one with Benchmarks/Scripts/record-capture.sh \(captureDirectory)"
        )
      }
    }
  }
}

struct PluginDevBench: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plugin-dev-bench",
    abstract: "plugin-dev's benchmarks: decoding, relay overhead, and plugin-dev against the genuine Go host.",
    discussion: """
      Modes:
      \(Mode.list)

      Build in release: cd Benchmarks && PLUGIN_DEV_BENCHMARKS=1 swift run -c release plugin-dev-bench [MODE…]. \
      Each mode prints its figures and writes them, with the machine, the date and this command, to its \
      section of the results file; the sections of the modes not run are kept. A debug build writes them \
      only to a --results FILE given. What the modes measure and how to read the ratios: docs/performance.md.

      wrap, server, client, start and console build the genuine go-plugin host and Go plugins (Go and \
      Debian's go-plugin sources; .ci/run installs them) and skip without them; capture needs a capture \
      recorded first (Benchmarks/Scripts/record-capture.sh DIR). A skipped mode leaves its section as it was.

      The binary also re-runs itself as `serve-kv` (the KV plugin) and `wrap [--log FILE] -- COMMAND…` \
      (what `plugin-dev wrap` runs); those are for the benchmarks, not for use by hand.
      """)

  @Argument(help: "The modes to run (none: every mode).")
  var modes: [Mode] = []

  @Option(
    help: ArgumentHelp(
      "The Markdown file each mode's figures are written to (default: docs/performance-results.md in this repository).",
      valueName: "file"))
  var results: String?

  @Option(help: ArgumentHelp("capture: the folder record-capture.sh recorded into.", valueName: "dir"))
  var captureDir = "/tmp/plugin-dev-capture"

  @Flag(help: "relay, client: the taps relay without decoding (or BENCH_NODECODE=1).")
  var noDecode = false

  @Flag(help: "start: print the time of each session event (or BENCH_TRACE=1).")
  var trace = false

  func run() async throws {
    let command = commandDescription()
    if noDecode { setenv("BENCH_NODECODE", "1", 1) }
    if trace { setenv("BENCH_TRACE", "1", 1) }
    let file = try resultsFile()
    let selected = modes.isEmpty ? Mode.allCases : Mode.allCases.filter(modes.contains)
    for mode in selected {
      let date = Date.now.formatted(.iso8601)
      try await mode.run(captureDirectory: captureDir)
      let lines = takeReportedLines()
      guard let file else { continue }
      if lines.isEmpty {
        print("\(mode): no figures; its section of \(file.path) is left as it was")
        continue
      }
      let section = ResultsSection.run(
        mode: mode.rawValue, machine: machineDescription(), date: date, command: command,
        lines: lines)
      try writeResults(section, to: file)
    }
    if let file { print("results: \(file.path)") }
  }

  /// Where the figures go: `--results`, or docs/performance-results.md of the repository this
  /// binary was built from (not from a debug build: its figures would replace release ones).
  func resultsFile() throws -> URL? {
    if let results { return URL(fileURLWithPath: results) }
    #if DEBUG
      print("results: a debug build writes no results file unless --results FILE is given")
      return nil
    #else
      let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
      let docs = root.appendingPathComponent("docs")
      guard FileManager.default.fileExists(atPath: docs.appendingPathComponent("performance.md").path) else {
        throw ValidationError(
          "no docs/performance.md in \(root.path), where this binary was built: give --results FILE")
      }
      return docs.appendingPathComponent("performance-results.md")
    #endif
  }
}
