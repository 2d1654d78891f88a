import Capture
import Testing

@Suite("synthesized TCP")
struct TCPFlowTests {
  let host = TCPEndpoint(address: 0x7F00_0001, port: 49152)
  let plugin = TCPEndpoint(address: 0x7F00_0002, port: 50051)

  func flow() -> TCPFlow {
    TCPFlow(host: host, plugin: plugin, hostInitialSequence: 1000, pluginInitialSequence: 0xFFFF_FFF0)
  }

  /// The IPv4 header sums to zero with its checksum in; so does TCP over its pseudo-header.
  static func checksumsVerify(_ frame: [UInt8]) -> Bool {
    let ip = Array(frame[14..<34])
    var tcp = InternetChecksum()
    tcp.add(ip[12..<20])
    tcp.add(word: 6)
    tcp.add(word: UInt16(frame.count - 34))
    tcp.add(frame[34...])
    return InternetChecksum.of(ip) == 0 && tcp.value == 0
  }

  @Test func segmentLayout() {
    let segment = TCPSegment(
      source: host, destination: plugin, sequence: 7, acknowledgment: 9, flags: [.psh, .ack], identification: 3,
      payload: [1, 2, 3, 4, 5])
    let frame = segment.ethernetFrame
    #expect(frame.count == 14 + 20 + 20 + 5)
    #expect(Array(frame[0..<14]) == [2, 0, 127, 0, 0, 2, 2, 0, 127, 0, 0, 1, 0x08, 0x00])
    #expect(Array(frame[14..<26]) == [0x45, 0, 0, 45, 0, 3, 0x40, 0, 64, 6] + Array(frame[24..<26]))
    #expect(Array(frame[26..<34]) == [127, 0, 0, 1, 127, 0, 0, 2])
    #expect(Array(frame[34..<48]) == [0xC0, 0x00, 0xC3, 0x83, 0, 0, 0, 7, 0, 0, 0, 9, 0x50, 0x18])
    #expect(Array(frame[48..<50]) == [0xFF, 0xFF])
    #expect(Array(frame[54...]) == [1, 2, 3, 4, 5])
    #expect(Self.checksumsVerify(frame))
  }

  @Test(arguments: [0, 1, 2, 3, 1460, 16384, TCPSegment.maximumPayload])
  func checksumsVerifyForAnyPayload(length: Int) {
    let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) }
    let segment = TCPSegment(
      source: plugin, destination: host, sequence: 0xDEAD_BEEF, acknowledgment: 42, flags: [.ack],
      payload: payload[...])
    let frame = segment.ethernetFrame
    #expect(Self.checksumsVerify(frame))
    #expect(Int(be16(frame, 16)) == 40 + length)
    #expect(Int(be16(frame, 16)) <= 65535)
  }

  @Test func handshake() {
    var flow = flow()
    let segments = flow.open()
    #expect(segments.map(\.flags) == [[.syn], [.syn, .ack], [.ack]])
    #expect(segments.map(\.sequence) == [1000, 0xFFFF_FFF0, 1001])
    #expect(segments.map(\.acknowledgment) == [0, 1001, 0xFFFF_FFF1])
    #expect(segments[0].source == host && segments[1].source == plugin)
    #expect(flow.open().isEmpty, "a flow opens once")
  }

  /// A 40000-byte chunk at 16 KiB: three segments (PSH on the last), each acknowledged; sequence
  /// numbers continue across the wrap at 2^32.
  @Test func segmentationAndContinuity() {
    var flow = flow()
    _ = flow.open()
    let chunk = (0..<40000).map { UInt8(truncatingIfNeeded: $0) }
    let segments = flow.send(chunk, .pluginToHost, maximumSegmentSize: 16384)
    let data = segments.filter { !$0.payload.isEmpty }
    #expect(data.map(\.payload.count) == [16384, 16384, 7232])
    #expect(data.map(\.flags) == [[.ack], [.ack], [.psh, .ack]])
    #expect(data.flatMap(\.payload) == chunk)
    var expected: UInt32 = 0xFFFF_FFF1
    for (index, segment) in segments.enumerated() {
      if segment.payload.isEmpty {
        // The host's ACK of the segment just before.
        #expect(segment.source == host && segment.flags == [.ack])
        #expect(segment.acknowledgment == segments[index - 1].sequence &+ UInt32(segments[index - 1].payload.count))
        #expect(segment.sequence == 1001)
      } else {
        #expect(segment.sequence == expected)
        #expect(segment.acknowledgment == 1001)
        expected = expected &+ UInt32(segment.payload.count)
      }
    }
    #expect(flow.sequence(.pluginToHost) == 0xFFFF_FFF1 &+ 40000)
    #expect(flow.sequence(.hostToPlugin) == 1001)
  }

  @Test func sendingOpensAFlowThatWasNotOpened() {
    var flow = flow()
    let segments = flow.send([1], .hostToPlugin, maximumSegmentSize: 100)
    #expect(segments.map(\.flags) == [[.syn], [.syn, .ack], [.ack], [.psh, .ack], [.ack]])
  }

  @Test func segmentSizeIsClampedToAnIPv4Packet() {
    var flow = flow()
    let segments = flow.send(Array(repeating: 0, count: 200_000), .hostToPlugin, maximumSegmentSize: .max)
    #expect(segments.allSatisfy { $0.payload.count <= TCPSegment.maximumPayload })
    #expect(segments.map(\.payload.count).reduce(0, +) == 200_000)
  }

  @Test func closeSendsFinBothWays() {
    var flow = flow()
    _ = flow.open()
    _ = flow.send([1, 2, 3], .hostToPlugin, maximumSegmentSize: 100)
    let segments = flow.close()
    #expect(segments.map(\.flags) == [[.fin, .ack], [.fin, .ack], [.ack]])
    #expect(segments[0].sequence == 1004 && segments[0].acknowledgment == 0xFFFF_FFF1)
    #expect(segments[1].sequence == 0xFFFF_FFF1 && segments[1].acknowledgment == 1005)
    #expect(segments[2].sequence == 1005 && segments[2].acknowledgment == 0xFFFF_FFF2)
    #expect(flow.state == .closed)
    #expect(flow.close().isEmpty && flow.send([1], .hostToPlugin, maximumSegmentSize: 10).isEmpty)
  }

  @Test func aFlowThatNeverOpenedClosesSilently() {
    var flow = flow()
    #expect(flow.close().isEmpty)
  }

  @Test func emptyChunksSendNothing() {
    var flow = flow()
    #expect(flow.send([], .hostToPlugin, maximumSegmentSize: 10).isEmpty)
    #expect(flow.state == .new)
  }
}
