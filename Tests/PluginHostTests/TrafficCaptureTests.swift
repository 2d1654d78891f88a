import Capture
import Foundation
import Testing

@testable import PluginHost

@Suite("session capture (pcapng file and in-memory export)")
struct TrafficCaptureTests {
  let relay = CaptureRelay(host: "client", plugin: "the plugin at 127.0.0.1:12345", pluginTCPPort: 12345)

  func folder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("capture-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  func feed(_ capture: TrafficCapture, chunks: Int, size: Int) {
    capture.record(.opened(connection: 1, at: Date()))
    for _ in 0..<chunks {
      capture.record(
        .bytes(connection: 1, direction: .hostToPlugin, bytes: Array(repeating: 7, count: size), at: Date()))
    }
    capture.record(.closed(connection: 1, at: Date()))
  }

  @Test func theFileGetsEverythingAndIsAnnounced() throws {
    let path = try folder().appendingPathComponent("all.pcapng").path
    let capture = TrafficCapture(pcapPath: path, memoryLimit: 1 << 20)
    let notice = capture.relayStarted(relay)
    #expect(
      notice
        == "recording the relay's traffic to \(path) (pcapng); read it with: tshark -r \(path) -d tcp.port==12345,http2"
    )
    #expect(capture.relayStarted(relay) == nil, "said once")
    feed(capture, chunks: 3, size: 1000)
    let summary = try #require(capture.finish())
    #expect(summary.counts == CaptureCounts(packets: 3 + 6 + 3, connections: 1, payloadBytes: 3000))
    #expect(summary.decodePort == 12345 && summary.error == nil && summary.filledLimit == nil)
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(bytes.prefix(4) == Data([0x0A, 0x0D, 0x0D, 0x0A]))
    #expect(capture.finish() == summary, "finishing twice changes nothing")
    capture.record(.opened(connection: 2, at: Date()))
    #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes, "nothing is written after the end")
  }

  /// The memory keeps the start and says what it missed; the file has it all.
  @Test func theMemoryStopsAtItsLimitAndSaysSo() throws {
    let folder = try folder()
    let capture = TrafficCapture(pcapPath: folder.appendingPathComponent("all.pcapng").path, memoryLimit: 8 * 1024)
    _ = capture.relayStarted(relay)
    feed(capture, chunks: 10, size: 1000)
    let exported = folder.appendingPathComponent("memory.pcapng").path
    let summary = try capture.export(to: exported)
    #expect(summary.filledLimit == 8 * 1024)
    #expect(summary.counts.payloadBytes < 10_000 && summary.counts.payloadBytes > 0)
    #expect(summary.unrecordedBytes == 10_000 - summary.counts.payloadBytes)
    #expect(summary.description.contains("it ends early: the in-memory capture is limited to 8192 bytes and filled up"))
    let size = try #require(try FileManager.default.attributesOfItem(atPath: exported)[.size] as? Int)
    #expect(size <= 8 * 1024)
    #expect(capture.finish()?.counts.payloadBytes == 10_000)
  }

  @Test func anExportBeforeAnyRelayIsAValidEmptyCapture() throws {
    let path = try folder().appendingPathComponent("empty.pcapng").path
    let summary = try TrafficCapture(pcapPath: nil, memoryLimit: 1 << 20).export(to: path)
    #expect(summary.counts == CaptureCounts())
    #expect(summary.description.hasPrefix("wrote an empty capture (no relay connection) to \(path)"))
    let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    #expect(bytes.count > 28 && bytes.prefix(4) == Data([0x0A, 0x0D, 0x0D, 0x0A]))
  }

  @Test func anUnwritableFileIsReportedNotFatal() throws {
    let capture = TrafficCapture(pcapPath: "/nonexistent-folder/x.pcapng", memoryLimit: 1 << 20)
    let notice = try #require(capture.relayStarted(relay))
    #expect(notice.hasPrefix("--pcap: cannot create the capture file /nonexistent-folder/x.pcapng"))
    feed(capture, chunks: 1, size: 10)
    #expect(capture.finish()?.error?.contains("cannot create") == true)
    let exported = try folder().appendingPathComponent("m.pcapng").path
    #expect(try capture.export(to: exported).counts.payloadBytes == 10, "the memory still records")
  }
}
