import Capture
import Testing

@Suite("bounded capture and summaries")
struct CaptureBufferTests {
  @Test func stopsAtTheLimitAndStaysStopped() {
    var buffer = CaptureBuffer(limit: 10)
    let kept = [
      buffer.append([1, 2, 3, 4], counts: CaptureCounts(packets: 1), payload: 0),
      buffer.append([5, 6, 7, 8], counts: CaptureCounts(packets: 2), payload: 4),
      buffer.append([9, 9, 9], counts: CaptureCounts(packets: 3), payload: 3),
      buffer.append([1], counts: CaptureCounts(packets: 4), payload: 1),
    ]
    #expect(kept == [true, true, false, false], "nothing after a refusal: no holes")
    #expect(buffer.bytes == [1, 2, 3, 4, 5, 6, 7, 8])
    #expect(buffer.counts == CaptureCounts(packets: 2))
    #expect(buffer.isFull && buffer.unrecordedBytes == 4)
  }

  @Test func summaryText() {
    let summary = CaptureSummary(
      path: "/tmp/kv.pcapng", counts: CaptureCounts(packets: 40, connections: 2, payloadBytes: 1234), decodePort: 50051)
    #expect(
      summary.description
        == "wrote 40 packets (2 connections, 1234 bytes relayed) to /tmp/kv.pcapng; read it with: "
        + "tshark -r /tmp/kv.pcapng -d tcp.port==50051,http2")
    var full = summary
    full.filledLimit = 32 << 20
    full.unrecordedBytes = 99
    #expect(
      full.description.hasSuffix(
        "limited to 32 MiB and filled up, 99 later relayed bytes are not in it (run --pcap FILE records a whole session)"
      ))
    let empty = CaptureSummary(path: "/tmp/x.pcapng", counts: CaptureCounts(), decodePort: 10001)
    #expect(empty.description.hasPrefix("wrote an empty capture (no relay connection) to /tmp/x.pcapng"))
  }

  @Test(arguments: [
    ("/tmp/a.pcapng", "/tmp/a.pcapng"), ("/tmp/my capture.pcapng", "'/tmp/my capture.pcapng'"),
    ("/tmp/it's.pcapng", "'/tmp/it'\\''s.pcapng'"),
  ])
  func pathsAreQuotedForTheShell(path: String, word: String) {
    let summary = CaptureSummary(path: path, counts: CaptureCounts(), decodePort: 1)
    #expect(summary.readCommand == "tshark -r \(word) -d tcp.port==1,http2")
  }
}
