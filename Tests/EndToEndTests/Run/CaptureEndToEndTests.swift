import Foundation
import PluginHost
import TestSupport
import Testing

/// `run --pcap FILE` and the console's `export FILE.pcapng`, read back by the real tshark with
/// nothing more than the `-d tcp.port==PORT,http2` plugin-dev prints: the HTTP/2 frames tshark
/// sees are the frames of the JSON-lines export, one for one, with the same `:path`s.
@Suite("pcapng capture read by tshark", .enabled(if: Tshark.shouldTest), .timeLimit(.minutes(3)))
struct CaptureEndToEndTests {
  /// HTTP/2 frame type numbers (RFC 9113 section 6), as tshark's `http2.type` prints them.
  static let frameTypes = [
    "DATA": "0", "HEADERS": "1", "PRIORITY": "2", "RST_STREAM": "3", "SETTINGS": "4", "PUSH_PROMISE": "5", "PING": "6",
    "GOAWAY": "7", "WINDOW_UPDATE": "8", "CONTINUATION": "9",
  ]

  /// The port in the `-d tcp.port==PORT,http2` of plugin-dev's line about `capture`.
  static func decodePort(for capture: String, in result: PluginDevCLI.Result) throws -> Int {
    let line = try #require(
      result.stderr.first { $0.hasPrefix("plugin-dev: wrote") && $0.contains(capture) }, "\(result.transcript)")
    #expect(line.contains("read it with: tshark -r \(capture) -d tcp.port=="), "\(line)")
    let digits = try #require(line.components(separatedBy: "tcp.port==").last?.prefix { $0.isNumber })
    return try #require(Int(digits))
  }

  /// The records of a JSON-lines export.
  static func exported(_ path: String) throws -> [[String: Any]] {
    try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").compactMap {
      try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
  }

  /// Checks tshark's reading of `capture` against the frame log `export`; returns the `:path`s.
  @discardableResult
  static func expectTsharkAgrees(capture: String, export: String, port: Int) async throws -> [String] {
    let frames = try exported(export).filter { $0["kind"] as? String == "frame" }
    let types = try await Tshark.values(of: "http2.type", in: capture, http2Port: port)
    #expect(types.count == frames.count, "tshark sees \(types.count) HTTP/2 frames, the frame log \(frames.count)")
    #expect(types == frames.map { frameTypes[$0["type"] as? String ?? ""] ?? "?" }, "the same frames in the same order")
    let paths = try await Tshark.values(of: "http2.headers.path", in: capture, http2Port: port)
    let exportedPaths = frames.compactMap { frame in
      (frame["headers"] as? [[String: Any]])?.first { $0["name"] as? String == ":path" }?["value"] as? String
    }
    #expect(paths == exportedPaths)
    #expect(try await Tshark.values(of: "http2.magic", in: capture, http2Port: port).count >= 1, "the client preface")
    #expect(
      try await Tshark.values(of: "grpc.message_length", in: capture, http2Port: port).count >= 4, "gRPC messages")
    // Synthesized TCP/IP that tshark finds nothing wrong with, checksums included.
    let expert = try await Tshark.expertInfo(capture, http2Port: port)
    #expect(
      !expert.contains { $0.hasPrefix("Errors") || $0.hasPrefix("Warnings") }, "\(expert.joined(separator: "\n"))")
    return paths
  }

  @Test func pythonPluginOverTCP() async throws {
    let folder = try Fixtures.temporaryDirectory()
    let capture = folder.appendingPathComponent("kv.pcapng").path
    let export = folder.appendingPathComponent("kv.jsonl").path
    let result = try await PluginDevCLI.run(
      [
        "run", "--headless", "--json", "--pcap", capture, "--export", export, "--exec", "put a hello", "--exec",
        "get a", "--", Fixtures.python,
        Fixtures.packageRoot.appendingPathComponent("Examples/kv-python/plugin.py").path,
      ], workingDirectory: folder)
    #expect(result.status == .exited(0), "\(result.transcript)")
    let port = try Self.decodePort(for: capture, in: result)
    // A TCP plugin's own port stands for it in the capture.
    let address = try #require(result.events("handshake").first?["address"] as? String, "\(result.transcript)")
    #expect(address.hasSuffix(":\(port)"))
    let notices = result.events("notice").compactMap { $0["text"] as? String }
    #expect(notices.contains { $0.hasPrefix("recording the relay's traffic to \(capture)") }, "\(notices)")
    let paths = try await Self.expectTsharkAgrees(capture: capture, export: export, port: port)
    for path in [
      "/proto.KV/Put", "/proto.KV/Get", "/grpc.health.v1.Health/Check", "/plugin.GRPCStdio/StreamStdio",
      "/plugin.GRPCController/Shutdown",
    ] {
      #expect(paths.contains(path), "\(paths)")
    }
  }

  /// Under AutoMTLS the relay ends the TLS, so the capture holds the decrypted HTTP/2.
  @Test func autoMTLSCaptureHoldsTheDecryptedStream() async throws {
    let folder = try Fixtures.temporaryDirectory()
    let capture = folder.appendingPathComponent("mtls.pcapng").path
    let export = folder.appendingPathComponent("mtls.jsonl").path
    let result = try await PluginDevCLI.run(
      [
        "run", "--headless", "--json", "--auto-mtls", "--pcap", capture, "--export", export, "--exec", "put a hello",
        "--exec", "get a", "--", Fixtures.executable("kv-swift"),
      ], environment: ["KV_PLUGIN_NETWORK": "unix"], workingDirectory: folder)
    #expect(result.status == .exited(0), "\(result.transcript)")
    #expect((result.events("handshake").first?["raw"] as? String)?.split(separator: "|").count == 6, "a certificate")
    // A unix-socket plugin is shown at the documented port.
    let port = try Self.decodePort(for: capture, in: result)
    #expect(port == 50051)
    let paths = try await Self.expectTsharkAgrees(capture: capture, export: export, port: port)
    #expect(paths.contains("/proto.KV/Put") && paths.contains("/proto.KV/Get"), "\(paths)")
  }

  /// `--exec "export FILE.pcapng"`: the traffic so far, the last call's response included.
  @Test func consoleExportWritesTheCaptureSoFar() async throws {
    let folder = try Fixtures.temporaryDirectory()
    let capture = folder.appendingPathComponent("console.pcapng").path
    let export = folder.appendingPathComponent("all.jsonl").path
    let result = try await PluginDevCLI.run(
      [
        "run", "--headless", "--json", "--export", export, "--exec", "put a hello", "--exec", "get a", "--exec",
        "export \(capture)", "--exec", "export list.jsonl",
      ], workingDirectory: folder)
    #expect(result.status == .exited(0), "\(result.transcript)")
    // The TUI's frame-list export has no list to export headless: it says what to use instead.
    #expect(
      result.stderr.joined(separator: "\n").contains("headless, record the whole session with --export FILE.jsonl"),
      "\(result.transcript)")
    #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("list.jsonl").path))
    let port = try Self.decodePort(for: capture, in: result)
    #expect(port == 50051)
    let paths = try await Tshark.values(of: "http2.headers.path", in: capture, http2Port: port)
    #expect(paths.contains("/proto.KV/Put") && paths.contains("/proto.KV/Get"), "\(paths)")
    #expect(!paths.contains("/plugin.GRPCController/Shutdown"), "the stop comes after the export")
    // Every frame up to the Get's answer: the export's frames up to its trailers (grpc-status).
    let frames = try Self.exported(export).filter { $0["kind"] as? String == "frame" }
    let getStream = try #require(
      frames.first { $0["method"] as? String == "/proto.KV/Get" }?["stream"] as? Int, "no Get in the frame log")
    let getEnd = try #require(frames.lastIndex { $0["stream"] as? Int == getStream && $0["grpcStatus"] != nil })
    let types = try await Tshark.values(of: "http2.type", in: capture, http2Port: port)
    #expect(types.count >= getEnd + 1, "tshark sees \(types.count) frames; the Get ends at frame \(getEnd + 1)")
    #expect(types == Array(frames.prefix(types.count)).map { Self.frameTypes[$0["type"] as? String ?? ""] ?? "?" })
  }

}

/// `--pcap`'s usage errors (no tshark needed).
@Suite("run --pcap usage", .timeLimit(.minutes(1)))
struct CaptureOptionTests {
  @Test func pcapNeedsTheRelay() async throws {
    let result = try await PluginDevCLI.run(["run", "--headless", "--no-tap", "--pcap", "/tmp/never.pcapng"])
    #expect(result.status == .exited(64), "\(result.transcript)")
    #expect(result.stderr.joined().contains("--pcap records the decoding relay's traffic"), "\(result.transcript)")
  }

  @Test func anUnwritablePcapPathFailsBeforeStarting() async throws {
    let result = try await PluginDevCLI.run(["run", "--headless", "--pcap", "/nonexistent-folder/x.pcapng"])
    #expect(result.status == .exited(64), "\(result.transcript)")
    #expect(result.stderr.joined().contains("cannot create the capture file"), "\(result.transcript)")
    #expect(result.events("started").isEmpty)
  }
}
