import Foundation
import WireTap

/// One TCP connection of a capture as tshark reassembled it (`tshark -z follow,tcp,raw,N`):
/// its segments in order, each with the way it travelled.
struct FollowedConnection {
  var stream: Int
  var serverPort: Int
  var segments: [(Direction, [UInt8])]

  /// Parses `follow,tcp,raw` output: node 0 is the client (the host); lines of node 1 (the
  /// plugin) start with a tab.
  init?(stream: Int, text: String) {
    self.stream = stream
    serverPort = 0
    segments = []
    var inData = false
    for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
      if line.hasPrefix("Node 1: ") {
        serverPort = Int(line.split(separator: ":").last ?? "") ?? 0
        inData = true
        continue
      }
      guard inData else { continue }
      if line.hasPrefix("====") { break }
      let fromPlugin = line.hasPrefix("\t")
      let hex = line.trimmingCharacters(in: .whitespaces)
      // tshark writes a gap as the hex of "[N bytes missing in capture file]".
      guard let bytes = Hex.decode(hex), !String(decoding: bytes, as: UTF8.self).hasSuffix(" missing in capture file]")
      else { return nil }
      segments.append((fromPlugin ? .pluginToHost : .hostToPlugin, bytes))
    }
  }
}

/// Runs `arguments` under GNU time; returns stdout, wall seconds and peak RSS in bytes.
func runMeasured(_ arguments: [String]) throws -> (output: String, seconds: Double, peakBytes: Int) {
  let report = FileManager.default.temporaryDirectory.appendingPathComponent("bench-time-\(getpid())")
  defer { try? FileManager.default.removeItem(at: report) }
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
  process.arguments = ["-f", "%M", "-o", report.path] + arguments
  let pipe = Pipe()
  process.standardOutput = pipe
  process.standardError = FileHandle.nullDevice
  let clock = ContinuousClock()
  let start = clock.now
  try process.run()
  let data = pipe.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  let elapsed = seconds(clock.now - start)
  let kilobytes =
    Int((try? String(contentsOf: report, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
  return (String(decoding: data, as: UTF8.self), elapsed, kilobytes * 1024)
}

/// #14 item 3 on a capture recorded with tshark by `Scripts/record-capture.sh DIR`: WireTap's
/// frames/s and memory against tshark dissecting the same capture as HTTP/2, in the same run.
func captureBenchmark(directory: String) async throws {
  let folder = URL(fileURLWithPath: directory)
  let portText = try String(contentsOf: folder.appendingPathComponent("port"), encoding: .utf8)
  guard let port = Int(portText.trimmingCharacters(in: .whitespacesAndNewlines)) else {
    throw BenchError(
      description: "\(directory)/port does not hold a port number; record with Scripts/record-capture.sh")
  }
  var connections: [FollowedConnection] = []
  for name in try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
  where name.hasPrefix("follow-") && name.hasSuffix(".txt") {
    let stream = Int(name.dropFirst("follow-".count).dropLast(".txt".count)) ?? 0
    let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    guard let connection = FollowedConnection(stream: stream, text: text) else {
      throw BenchError(
        description: "\(name) is not `tshark -z follow,tcp,raw` output, or the capture lost packets; record it again")
    }
    if connection.serverPort == port { connections.append(connection) }
  }
  let chunks = connections.flatMap { connection in connection.segments.map { (connection.stream, $0.0, $0.1) } }
  let totalBytes = chunks.reduce(0) { $0 + $1.2.count }

  // Memory: every record of the capture held in a FrameLog (what the TUI and `view` hold), with
  // room for all of them (`--frame-limit`).
  var records = 0
  var counter = RelayDecoder(registry: .goPlugin)
  for (id, direction, bytes) in chunks {
    records += counter.feed(.bytes(connection: id, direction: direction, bytes: bytes, time: Date())).count
  }
  let before = residentBytes()
  var held = FrameLog(capacity: records)
  var decoder = RelayDecoder(registry: .goPlugin)
  for (id, direction, bytes) in chunks {
    held.append(contentsOf: decoder.feed(.bytes(connection: id, direction: direction, bytes: bytes, time: Date())))
  }
  let heldBytes = residentBytes() - before
  let ourFrames = held.filter { $0.type != "PREFACE" && $0.type != "ERROR" }.count
  let errors = held.filter { $0.kind == .decodeError }.count
  held.removeAll()

  let clock = ContinuousClock()
  var rates: [Double] = []
  for _ in 0..<7 {
    var decoder = RelayDecoder(registry: .goPlugin)
    let start = clock.now
    var count = 0
    for (id, direction, bytes) in chunks {
      count += decoder.feed(.bytes(connection: id, direction: direction, bytes: bytes, time: Date())).count
    }
    rates.append(Double(count) / seconds(clock.now - start))
  }

  let capture = folder.appendingPathComponent("capture.pcapng").path
  let tshark = ["tshark", "-r", capture, "-d", "tcp.port==\(port),http2", "-T", "fields", "-e", "http2.type"]
  var tsharkSeconds: [Double] = []
  var tsharkPeak = 0
  var tsharkFrames = 0
  for _ in 0..<3 {
    let run = try runMeasured(tshark)
    tsharkSeconds.append(run.seconds)
    tsharkPeak = max(tsharkPeak, run.peakBytes)
    tsharkFrames = run.output.split(separator: "\n").reduce(0) { $0 + $1.split(separator: ",").count }
  }
  let startup = try runMeasured(tshark + ["-c", "1"]).seconds
  let tsharkRate = Double(tsharkFrames) / median(tsharkSeconds)
  let tsharkRateAfterStart = Double(tsharkFrames) / max(0.001, median(tsharkSeconds) - startup)

  report(
    "capture: \(capture): \(connections.count) connection(s) to port \(port), \(totalBytes) bytes; frames: WireTap \(ourFrames) (\(errors) decode errors), tshark \(tsharkFrames) — \(ourFrames == tsharkFrames ? "equal" : "DIFFERENT")"
  )
  report(
    String(
      format:
        "capture: WireTap median %.0f frames/s (7 runs); tshark %.0f frames/s (%.2f s, median of 3; %.0f frames/s without its %.2f s start) — %.1f× tshark (%.1f× without its start), target ≥ 10×",
      median(rates), tsharkRate, median(tsharkSeconds), tsharkRateAfterStart, startup, median(rates) / tsharkRate,
      median(rates) / tsharkRateAfterStart))
  report(
    String(
      format:
        "capture: memory holding every record: WireTap +%.1f MiB resident; tshark peak %.1f MiB — %.2f of tshark's, target ≤ 0.25",
      Double(heldBytes) / 1_048_576, Double(tsharkPeak) / 1_048_576, Double(heldBytes) / Double(max(1, tsharkPeak))))
}
