import Foundation
import Testing

@testable import WireTap

@Suite("Frame log and filters")
struct FrameLogTests {
  static let time = Date(timeIntervalSince1970: 1_800_000_000.25)

  static func record(
    _ summary: String, type: String = "DATA", stream: UInt32 = 1, direction: Direction = .hostToPlugin,
    method: String? = nil, connection: Int = 1, kind: FrameRecord.Kind = .frame, grpcStatus: Int? = nil,
    errorCode: String? = nil
  ) -> FrameRecord {
    FrameRecord(
      connection: connection, kind: kind, time: time, direction: direction, streamID: stream, type: type,
      summary: summary, method: method, grpcStatus: grpcStatus, errorCode: errorCode)
  }

  static var sampleLog: FrameLog {
    var log = FrameLog()
    log.append(record("SETTINGS MAX_FRAME_SIZE=16384", type: "SETTINGS", stream: 0))
    log.append(record("HEADERS /proto.KV/Put", type: "HEADERS", stream: 1, method: "/proto.KV/Put"))
    log.append(record("DATA PutRequest {key: \"Alpha\"}", stream: 1, method: "/proto.KV/Put"))
    log.append(
      record(
        "HEADERS (trailers) grpc-status=0", type: "HEADERS", stream: 1, direction: .pluginToHost,
        method: "/proto.KV/Put", grpcStatus: 0))
    log.append(record("HEADERS /proto.KV/Get", type: "HEADERS", stream: 3, method: "/proto.KV/Get", connection: 2))
    log.append(
      record(
        "HEADERS (trailers-only) grpc-status=5 (NOT_FOUND)", type: "HEADERS", stream: 3, direction: .pluginToHost,
        method: "/proto.KV/Get", connection: 2, grpcStatus: 5))
    log.append(record("PING 02041010090e0707", type: "PING", stream: 0, direction: .pluginToHost))
    log.append(
      record(
        "GOAWAY ENHANCE_YOUR_CALM last=3", type: "GOAWAY", stream: 0, direction: .pluginToHost,
        errorCode: "ENHANCE_YOUR_CALM"))
    log.append(record("DATA error: bad", stream: 5, kind: .decodeError))
    return log
  }

  @Test func boundedCapacityDropsTheOldest() {
    var log = FrameLog(capacity: 3)
    for index in 1...5 {
      #expect(log.append(Self.record("frame \(index)")) == index)
    }
    #expect(log.count == 3)
    #expect(log.droppedCount == 2)
    #expect(log.map(\.summary) == ["frame 3", "frame 4", "frame 5"])
    #expect(log.map(\.sequence) == [3, 4, 5])
    #expect(log[0].sequence == 3)
    #expect(log.position(ofSequence: 4) == 1)
    #expect(log.position(ofSequence: 2) == nil)
    #expect(log.position(ofSequence: 6) == nil)
    #expect(log.nextSequence == 6)
    log.append(Self.record("frame 6"))
    #expect(log.map(\.summary) == ["frame 4", "frame 5", "frame 6"])
    #expect(log.filter("frame 5") == [1])
  }

  @Test(arguments: [
    ("", [0, 1, 2, 3, 4, 5, 6, 7, 8]),
    ("alpha", [2]),
    ("ALPHA", [2]),
    ("kv/put", [1, 2, 3]),
    ("method:Put", [1, 2, 3]),
    ("method:get", [4, 5]),
    ("stream:3", [4, 5]),
    ("stream:1,3", [1, 2, 3, 4, 5]),
    ("type:HEADERS", [1, 3, 4, 5]),
    ("type:data,ping", [2, 6, 8]),
    ("dir:in", [0, 1, 2, 4, 8]),
    ("dir:out", [3, 5, 6, 7]),
    (">", [0, 1, 2, 4, 8]),
    ("<", [3, 5, 6, 7]),
    ("dir:< type:HEADERS", [3, 5]),
    ("method:put type:headers dir:in", [1]),
    ("-type:PING dir:out", [3, 5, 7]),
    ("conn:2", [4, 5]),
    ("is:error", [5, 7, 8]),
    ("\"grpc-status=5 (not\"", [5]),
    ("trailers grpc-status=0", [3]),
    ("nothing-matches-this", []),
  ])
  func filters(query: String, expected: [Int]) {
    #expect(Self.sampleLog.filter(query) == expected)
  }

  @Test func badTokensAreReportedAndIgnored() {
    let filter = FrameFilter("stream:abc dir:sideways is:fun type:DATA")
    #expect(filter.problems.count == 3)
    #expect(filter.clauses.count == 1)
    #expect(Self.sampleLog.filter(filter) == [2, 8])
  }

  @Test func jsonLinesRoundTrip() throws {
    var log = Self.sampleLog
    let tree = ProtoTreeNode(
      label: "proto.PutRequest", value: "12 bytes", children: [ProtoTreeNode(label: "key", value: "\"a\"")])
    var rich = Self.record("DATA PutRequest {key: \"a\"}\nwith newline", method: "/proto.KV/Put")
    rich.messages = [
      DecodedMessageRecord(
        typeName: "proto.PutRequest", isRequest: true, summary: "PutRequest {key: \"a\"}", tree: tree,
        byteCount: 12, schemaless: false)
    ]
    rich.headers = [HeaderField(name: ":path", value: "/proto.KV/Put")]
    rich.settings = [SettingValue(identifier: 4, value: 65535)]
    rich.flags = ["END_STREAM"]
    rich.payloadPrefix = [0, 1, 0xab, 0xff]
    rich.payloadTruncated = true
    rich.note = "a note"
    log.append(rich)

    let text = log.exportJSONLines()
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines.count == log.count + 1)
    #expect(lines.last == "")
    let decoder = JSONDecoder()
    for (index, line) in lines.dropLast().enumerated() {
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
      #expect(object?["sequence"] as? Int == index + 1)
      #expect(object?["time"] as? String == "2027-01-15T08:00:00.250Z")
      let decoded = try decoder.decode(FrameRecord.self, from: Data(line.utf8))
      #expect(decoded == log[index])
    }
    let last = try #require(lines.dropLast().last)
    #expect(last.contains("\"payloadHex\":\"0001abff\""))
    #expect(last.contains("\"method\":\"/proto.KV/Put\""))
    #expect(!last.contains("\n"))
  }

  @Test func jsonKeepsOnlyPresentFields() throws {
    let line = Self.record("SETTINGS ack", type: "SETTINGS", stream: 0).jsonLine()
    #expect(
      line
        == "{\"connection\":1,\"direction\":\"hostToPlugin\",\"kind\":\"frame\",\"length\":0,\"sequence\":0,\"stream\":0,\"summary\":\"SETTINGS ack\",\"time\":\"2027-01-15T08:00:00.250Z\",\"type\":\"SETTINGS\"}"
    )
  }

  @Test func exportToFile() throws {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("wiretap-\(UUID().uuidString).jsonl")
    defer { try? FileManager.default.removeItem(at: url) }
    try Self.sampleLog.writeJSONLines(to: url, positions: [1, 2])
    let text = try String(contentsOf: url, encoding: .utf8)
    #expect(text.split(separator: "\n").count == 2)
  }

  @Test func filteringOneHundredThousandRecordsIsFast() {
    var log = FrameLog()
    let methods = ["/proto.KV/Put", "/proto.KV/Get", "/grpc.health.v1.Health/Check", "/plugin.GRPCBroker/StartStream"]
    for index in 0..<120_000 {
      let method = methods[index % methods.count]
      log.append(
        Self.record(
          "DATA PutRequest {key: \"key-\(index)\", value: 5 bytes \"hello\"}",
          type: index % 3 == 0 ? "HEADERS" : "DATA",
          stream: UInt32(index % 1000), direction: index % 2 == 0 ? .hostToPlugin : .pluginToHost, method: method))
    }
    #expect(log.count == 100_000)
    #expect(log.droppedCount == 20_000)
    let clock = ContinuousClock()
    var matches: [Int] = []
    let elapsed = clock.measure {
      matches = log.filter("method:get key-2000 dir:out")
    }
    #expect(!matches.isEmpty)
    // Release builds take a few ms; this bound is for unoptimised test builds.
    #expect(elapsed < .seconds(3))
  }
}
