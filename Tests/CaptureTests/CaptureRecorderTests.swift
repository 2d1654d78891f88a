import Capture
import Foundation
import Testing

@Suite("capture recorder")
struct CaptureRecorderTests {
  let t0 = Date(timeIntervalSince1970: 1_700_000_000)
  let relay = CaptureRelay(
    host: "plugin-dev's gRPC client", plugin: "the plugin at unix:/tmp/p/plugin.sock", pluginTCPPort: nil)

  func at(_ milliseconds: Int) -> Date { t0.addingTimeInterval(Double(milliseconds) / 1000) }

  /// Records a two-connection session with interleaved traffic.
  func session(_ recorder: inout CaptureRecorder) -> [UInt8] {
    var bytes = recorder.relayStarted(relay, at: at(0))
    bytes += recorder.record(.opened(connection: 1, at: at(1)))
    bytes += recorder.record(
      .bytes(connection: 1, direction: .hostToPlugin, bytes: Array("PRI * HTTP/2.0".utf8), at: at(2)))
    bytes += recorder.record(.opened(connection: 2, at: at(3)))
    bytes += recorder.record(.bytes(connection: 2, direction: .hostToPlugin, bytes: [1, 2, 3], at: at(4)))
    bytes += recorder.record(.bytes(connection: 1, direction: .pluginToHost, bytes: [9, 9], at: at(5)))
    bytes += recorder.record(.closed(connection: 2, at: at(6)))
    bytes += recorder.record(.closed(connection: 1, at: at(7)))
    return bytes
  }

  @Test func fileLayout() throws {
    var recorder = CaptureRecorder()
    let capture = try #require(ParsedCapture(session(&recorder)))
    #expect(capture.blocks.map(\.type).prefix(3) == [PcapngBlock.sectionHeaderType, 1, 6])
    #expect(capture.blocks.filter { $0.type != 6 }.count == 2, "one section header, one interface")
    let description = try #require(capture.interfaceOptions[PcapngBlock.Option.interfaceDescription])
    #expect(description.contains("127.0.0.2:50051 is the plugin at unix:/tmp/p/plugin.sock"))
    #expect(description.contains("-d tcp.port==50051,http2"))
    #expect(capture.interfaceOptions[PcapngBlock.Option.timestampResolution] == "\u{6}")
    // Per connection: 3 (open) + 2 per segment + 3 (close).
    #expect(capture.packets.count == (3 + 2 + 3) + (3 + 2 + 2 + 3))
    #expect(recorder.counts == CaptureCounts(packets: 18, connections: 2, payloadBytes: 19))
    #expect(recorder.decodePort == 50051)
  }

  @Test func oneFlowPerConnectionWithItsOwnPort() throws {
    var recorder = CaptureRecorder()
    let packets = try #require(ParsedCapture(session(&recorder))).packets
    let hostPorts = Set(
      packets.map { $0.source.address == CaptureRecorder.hostAddress ? $0.source.port : $0.destination.port })
    #expect(hostPorts == [49152, 49153])
    #expect(packets.allSatisfy { [$0.source.port, $0.destination.port].contains(50051) })
    #expect(packets.allSatisfy { Set([$0.source.address, $0.destination.address]) == [0x7F00_0001, 0x7F00_0002] })
    #expect(packets.allSatisfy { TCPFlowTests.checksumsVerify($0.frame) })
    let syns = packets.filter { $0.flags == [.syn] }
    #expect(
      syns.map(\.comment) == [
        "relay connection 1: 127.0.0.1:49152 is plugin-dev's gRPC client; 127.0.0.2:50051 is the plugin at unix:/tmp/p/plugin.sock",
        "relay connection 2: 127.0.0.1:49153 is plugin-dev's gRPC client; 127.0.0.2:50051 is the plugin at unix:/tmp/p/plugin.sock",
      ])
  }

  @Test func realTimestamps() throws {
    var recorder = CaptureRecorder()
    let packets = try #require(ParsedCapture(session(&recorder))).packets
    let base: UInt64 = 1_700_000_000_000_000
    #expect(packets.first?.timestamp == base + 1000)
    let data = packets.filter { !$0.payload.isEmpty }
    #expect(data.map(\.timestamp) == [base + 2000, base + 4000, base + 5000])
    #expect(packets.last?.timestamp == base + 7000)
  }

  /// Per flow, each side's sequence numbers continue from segment to segment and every ACK
  /// acknowledges exactly what the other side sent.
  @Test func sequenceNumbersAreConsistentPerFlow() throws {
    var recorder = CaptureRecorder()
    let packets = try #require(ParsedCapture(session(&recorder))).packets
    let flows = Dictionary(grouping: packets) { packet in
      packet.source.port == 50051 ? packet.destination.port : packet.source.port
    }
    for (_, flow) in flows {
      var next: [UInt32: UInt32] = [:]  // sender address → next sequence number
      for packet in flow {
        let sender = packet.source.address
        let receiver = packet.destination.address
        if let expected = next[sender] { #expect(packet.sequence == expected) }
        let length =
          UInt32(packet.payload.count) + (packet.flags.contains(.syn) ? 1 : 0) + (packet.flags.contains(.fin) ? 1 : 0)
        next[sender] = packet.sequence &+ length
        if packet.flags.contains(.ack) { #expect(packet.acknowledgment == next[receiver]) }
      }
    }
  }

  @Test func theFirstRelaysTCPPortStandsForThePlugin() throws {
    var recorder = CaptureRecorder()
    var bytes = recorder.relayStarted(
      CaptureRelay(host: "client", plugin: "the plugin at 127.0.0.1:10001", pluginTCPPort: 10001), at: t0)
    bytes += recorder.record(.bytes(connection: 1, direction: .hostToPlugin, bytes: [1], at: t0))
    // A restart on another port keeps the capture's port, so one -d option decodes all of it.
    bytes += recorder.relayStarted(
      CaptureRelay(host: "client", plugin: "the plugin at 127.0.0.1:10002", pluginTCPPort: 10002), at: t0)
    bytes += recorder.record(.opened(connection: 1, at: t0))
    let capture = try #require(ParsedCapture(bytes))
    #expect(recorder.decodePort == 10001)
    #expect(capture.packets.allSatisfy { [$0.source.port, $0.destination.port].contains(10001) })
    #expect(
      capture.interfaceOptions[PcapngBlock.Option.interfaceDescription]?.contains("-d tcp.port==10001,http2") == true)
    let comments = capture.packets.compactMap(\.comment)
    #expect(comments.count == 2)
    #expect(comments.last?.hasPrefix("relay connection 1 (relay 2): 127.0.0.1:49153 is client") == true)
    #expect(comments.last?.hasSuffix("the plugin at 127.0.0.1:10002") == true)
  }

  @Test func aNewRelayClosesTheFlowsOfTheOneBefore() throws {
    var recorder = CaptureRecorder()
    var bytes = recorder.relayStarted(relay, at: t0)
    bytes += recorder.record(.opened(connection: 1, at: t0))
    bytes += recorder.relayStarted(relay, at: at(10))
    let packets = try #require(ParsedCapture(bytes)).packets
    #expect(packets.suffix(3).map(\.flags) == [[.fin, .ack], [.fin, .ack], [.ack]])
    #expect(recorder.relayEnded(at: t0).isEmpty)
  }

  @Test func finishClosesOpenFlowsAndAnEmptyCaptureIsValid() throws {
    var recorder = CaptureRecorder()
    var bytes = recorder.record(.opened(connection: 4, at: t0))
    bytes += recorder.finish(at: at(1))
    let packets = try #require(ParsedCapture(bytes)).packets
    #expect(packets.map(\.flags) == [[.syn], [.syn, .ack], [.ack], [.fin, .ack], [.fin, .ack], [.ack]])

    var empty = CaptureRecorder()
    let capture = try #require(ParsedCapture(empty.finish(at: t0)))
    #expect(capture.blocks.map(\.type) == [PcapngBlock.sectionHeaderType, 1])
    #expect(empty.finish(at: t0).isEmpty, "the header is written once")
  }

  @Test func bigChunksAreSegmented() throws {
    var recorder = CaptureRecorder(maximumSegmentSize: 16 * 1024)
    let chunk = (0..<100_000).map { UInt8(truncatingIfNeeded: $0) }
    var bytes = recorder.record(.opened(connection: 1, at: t0))
    bytes += recorder.record(.bytes(connection: 1, direction: .pluginToHost, bytes: chunk, at: t0))
    let data = try #require(ParsedCapture(bytes)).packets.filter { !$0.payload.isEmpty }
    #expect(data.count == 7)
    #expect(data.allSatisfy { $0.payload.count <= 16 * 1024 && $0.ipTotalLength == 40 + $0.payload.count })
    #expect(data.flatMap(\.payload) == chunk)
  }

  @Test func eventsOfUnknownConnections() throws {
    var recorder = CaptureRecorder()
    let header = recorder.finish(at: t0)
    #expect(recorder.record(.closed(connection: 9, at: t0)).isEmpty, "a close of a connection never seen")
    let bytes = recorder.record(.bytes(connection: 9, direction: .pluginToHost, bytes: [1], at: t0))
    let packets = try #require(ParsedCapture(header + bytes)).packets
    #expect(packets.first?.flags == [.syn] && packets.first?.comment?.hasPrefix("relay connection 9") == true)
    #expect(recorder.record(.opened(connection: 9, at: t0)).isEmpty, "opened twice")
  }
}
