import Foundation
import GRPCCore
import PluginProtocol
import Testing
import WireTap

@testable import PluginHost
@testable import PluginSession

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The plugin-dev log: every session event written by `SessionRecorder` reads back the same,
/// and a file that is not a log this version reads is refused with its name and line.
@Suite("plugin-dev log (run --export, wrap --log, view)")
struct RecordingTests {
  static let start = Date(timeIntervalSince1970: 1_800_000_000.125)

  /// One event of each kind, with values in every field.
  static var everyEvent: [SessionEvent] {
    let line = try! HandshakeLine.parse("1|1|unix|/tmp/p/plugin.sock|grpc|")
    var frame = FrameRecord(
      connection: 2, time: start.addingTimeInterval(0.5), direction: .hostToPlugin, streamID: 3, type: "HEADERS",
      flags: ["END_HEADERS"], length: 77, summary: "HEADERS /proto.KV/Put", method: "/proto.KV/Put",
      headers: [HeaderField(name: ":path", value: "/proto.KV/Put")], payloadPrefix: [1, 2, 3], payloadTruncated: true)
    frame.sequence = 7
    return [
      .buildStarted(command: "go build -o kv ."),
      .buildOutput("compiling", stream: .stderr),
      .buildFinished(status: .exited(0), seconds: 1.5),
      // One variable: a dictionary's description varies in order.
      .started(
        .init(
          pid: 4242, command: "./kv", environment: ["PLUGIN_MIN_PORT": "10000"],
          removedEnvironment: ["PYTHONUNBUFFERED"], workingDirectory: "/tmp", startedAt: start, generation: 2,
          inheritedCount: 31)),
      .handshake(line, raw: "1|1|unix|/tmp/p/plugin.sock|grpc|", warnings: [], seconds: 0.031),
      .handshakeFailed(.timeout(seconds: 60)),
      .handshakeFailed(.exitedBeforeHandshake(status: .signaled(9), stderrTail: ["panic: x"])),
      .log(
        LogEntry(
          level: .warn, message: "slow", timestamp: "2026-12-01T00:00:00Z", module: "kv",
          fields: [.init(key: "ms", value: "12")], format: .json, raw: "{\"@level\":\"warn\"}", problems: ["p"])),
      .strayStdout("hello on stdout"),
      .tapReady(local: "unix:/tmp/tap.sock", plugin: "unix:/tmp/p/plugin.sock"),
      .frame(frame),
      .health(HealthSample(time: start.addingTimeInterval(1), outcome: .status("SERVING"), latency: 0.0012)),
      .health(
        HealthSample(
          time: start.addingTimeInterval(2), outcome: .failed(code: .unavailable, message: "gone"), latency: 0.5)),
      .call(
        CallRecord(
          command: "get a", method: "/proto.KV/Get", code: .notFound, result: "no such key", value: Data([0, 1]),
          started: start, ended: start.addingTimeInterval(0.002))),
      .notice("restarting"),
      .exited(.exited(1), expected: false),
      .finished,
    ]
  }

  static func temporaryFile() throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("plugin-dev-log-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent("session.jsonl").path
  }

  static func header() -> RecordingHeader {
    RecordingHeader(
      writer: "run", pid: 1, hostPid: 1, hostCommand: "plugin-dev run", command: ["./kv"], autoMTLS: true, time: start)
  }

  @Test func everyEventReadsBackTheSame() throws {
    let path = try Self.temporaryFile()
    let recorder = try SessionRecorder(path: path, header: Self.header())
    let events = Self.everyEvent
    for (index, event) in events.enumerated() {
      recorder.record(event, at: Self.start.addingTimeInterval(Double(index)))
    }
    recorder.close()
    #expect(recorder.frames == 1)
    #expect(recorder.events == events.count + 1)
    var reader = RecordingReader(path: path)
    let read = try reader.feed(try Data(contentsOf: URL(fileURLWithPath: path))) + (try reader.finish())
    #expect(reader.header == Self.header())
    #expect(reader.sawFinish)
    try #require(read.count == events.count)
    for (index, ((event, time), original)) in zip(read, events).enumerated() {
      #expect(String(describing: event) == String(describing: original), "event \(index)")
      switch original {
      case .frame(let record): #expect(time == record.time)
      case .health(let sample): #expect(time == sample.time)
      default: #expect(abs(time.timeIntervalSince(Self.start.addingTimeInterval(Double(index)))) < 0.001)
      }
    }
    // Owner-only: the log holds the cookie and, under AutoMTLS, decrypted traffic.
    let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    #expect(mode == 0o600)
  }

  @Test func everyLineIsOneObjectWithAnEventAndATime() throws {
    let path = try Self.temporaryFile()
    let recorder = try SessionRecorder(path: path, header: Self.header())
    for event in Self.everyEvent { recorder.record(event, at: Self.start) }
    recorder.close()
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
    for line in lines {
      let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      #expect(object["event"] is String, "\(line)")
      #expect((object["time"] as? String)?.hasSuffix("Z") == true, "\(line)")
    }
    let frame = try #require(lines.first { $0.contains("\"event\":\"frame\"") })
    // A frame line is the frame record's fields plus the event name.
    #expect(frame.contains("\"sequence\":7") && frame.contains("\"kind\":\"frame\""))
  }

  /// `wrap --log` records a batch of frames with one write: nothing is written before `flush()`
  /// or the next line written at once, and the order stays the order recorded.
  @Test func deferredLinesWaitForAFlushAndKeepTheirOrder() throws {
    let path = try Self.temporaryFile()
    let recorder = try SessionRecorder(path: path, header: Self.header())
    func lines() throws -> [String] {
      try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    }
    let frame = { (sequence: Int) in
      var record = FrameRecord(time: Self.start, direction: .hostToPlugin, type: "PING", summary: "PING \(sequence)")
      record.sequence = sequence
      return SessionEvent.frame(record)
    }
    recorder.record(frame(1), deferWrite: true)
    recorder.record(frame(2), deferWrite: true)
    #expect(try lines().count == 1, "only the header before a flush")
    recorder.flush()
    #expect(try lines().count == 3)
    recorder.record(frame(3), deferWrite: true)
    recorder.record(.notice("after three"))
    recorder.record(frame(4), deferWrite: true)
    #expect(try lines().count == 5)
    recorder.close()
    let written = try lines()
    #expect(written.count == 6)
    #expect(written[1].contains("\"sequence\":1") && written[2].contains("\"sequence\":2"))
    #expect(written[3].contains("\"sequence\":3") && written[4].contains("after three"))
    #expect(written[5].contains("\"sequence\":4"))
  }

  @Test func linesArriveInAnyChunksAndABadLineIsNamedNotFatal() throws {
    let path = try Self.temporaryFile()
    let recorder = try SessionRecorder(path: path, header: Self.header())
    recorder.record(.notice("one"), at: Self.start)
    recorder.close()
    var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
    bytes.append(
      Data("{\"event\":\"notice\"}\nnot json\n{\"event\":\"from-the-future\",\"time\":\"2026-12-01T00:00:00Z\"}\n".utf8)
    )
    bytes.append(Data("{\"event\":\"notice\",\"text\":\"last\",\"time\":\"2026-12-01T00:00:00.5Z\"}".utf8))
    var reader = RecordingReader(path: "s.jsonl")
    var events: [SessionEvent] = []
    for byte in bytes { events += try reader.feed(Data([byte])).map(\.0) }
    #expect(reader.hasPartialLine)
    events += try reader.finish().map(\.0)
    let texts = events.map { event -> String in
      if case .notice(let text) = event { return text }
      return "\(event)"
    }
    #expect(texts.count == 5, "\(texts)")
    #expect(texts[0] == "one")
    #expect(texts[1].hasPrefix("s.jsonl:3: skipped a line that is not a log event (no \"text\")"), "\(texts[1])")
    #expect(texts[2].hasPrefix("s.jsonl:4: skipped a line"), "\(texts[2])")
    #expect(texts[3].contains("s.jsonl:5: skipped \"from-the-future\" events: written by a newer plugin-dev"))
    #expect(texts[4] == "last")
  }

  @Test(
    "a file that is not a log this version reads is refused, naming it",
    arguments: [
      ("hello\n", "s.jsonl:1: not a plugin-dev log (the first line is not JSON)"),
      ("{\"a\":1}\n", "s.jsonl:1: not a plugin-dev log (no header line)"),
      ("{\"event\":\"wrap\",\"version\":1,\"pid\":3}\n", "s.jsonl:1: a wrap log of version 1, written by an older"),
      ("{\"event\":\"header\",\"version\":99}\n", "s.jsonl:1: log version 99 was written by a newer plugin-dev"),
      ("{\"event\":\"header\",\"version\":2}\n", "s.jsonl:1: the header cannot be read"),
    ])
  func refused(_ input: String, _ message: String) {
    var reader = RecordingReader(path: "s.jsonl")
    #expect {
      _ = try reader.feed(Data(input.utf8))
    } throws: { error in
      (error as? RecordingError)?.description.hasPrefix(message) == true
    }
  }

  @Test func anOlderFrameExportIsReadAsFrames() throws {
    var log = FrameLog(capacity: 10)
    log.append(FrameRecord(time: Self.start, direction: .hostToPlugin, type: "PING", summary: "PING 1"))
    log.append(
      FrameRecord(time: Self.start, direction: .pluginToHost, type: "PING", flags: ["ACK"], summary: "PING ack"))
    var reader = RecordingReader(path: "old.jsonl")
    let events = try reader.feed(Data(log.exportJSONLines().utf8))
    let summaries = events.compactMap { event -> String? in
      if case .frame(let record) = event.0 { return record.summary }
      return nil
    }
    #expect(summaries == ["PING 1", "PING ack"])
    #expect(reader.header?.writer.contains("older") == true)
  }

  @Test func theFollowerReadsWhatIsAddedUntilTheLastEvent() async throws {
    let path = try Self.temporaryFile()
    // The writer is this process: alive, so the follower waits for more.
    let recorder = try SessionRecorder(
      path: path,
      header: RecordingHeader(writer: "test", pid: getpid(), command: ["./kv"], autoMTLS: false, time: Self.start))
    recorder.record(.notice("first"))
    var follower = try await RecordingFollower.open(path: path, follow: true)
    follower.pollInterval = .milliseconds(20)
    var items = follower.items().makeAsyncIterator()
    guard case .event(.notice("first"), _) = await items.next() else {
      Issue.record("no first event")
      return
    }
    guard case .caughtUp = await items.next() else {
      Issue.record("not caught up")
      return
    }
    recorder.record(.notice("second"))
    guard case .event(.notice("second"), _) = await items.next() else {
      Issue.record("no second event")
      return
    }
    recorder.record(.finished)
    recorder.close()
    var sawEnd = false
    while let item = await items.next() {
      if case .end(let complete) = item {
        #expect(complete)
        sawEnd = true
      }
    }
    #expect(sawEnd)
  }

  @Test func aLogWhoseWriterIsGoneEndsWithoutWaiting() async throws {
    let path = try Self.temporaryFile()
    // pid 0: no writer to wait for (a log copied from elsewhere, or a wrap that was SIGKILLed).
    let recorder = try SessionRecorder(
      path: path, header: RecordingHeader(writer: "wrap", pid: 0, command: ["./kv"], autoMTLS: false))
    recorder.record(.notice("only"))
    recorder.close()
    let follower = try await RecordingFollower.open(path: path, follow: true)
    var events: [SessionEvent] = []
    var complete: Bool?
    for await item in follower.items() {
      switch item {
      case .event(let event, _): events.append(event)
      case .caughtUp: Issue.record("waited for a writer that is gone")
      case .end(let done): complete = done
      }
    }
    #expect(complete == false)
    #expect(events.count == 2, "\(events)")
    if case .notice(let text) = events.last {
      #expect(text.contains("is gone and the log ends without its last event"))
    }
  }

  /// The next item that is not `.caughtUp`, within a generous deadline.
  static func nextEvent(_ items: inout AsyncStream<RecordingFollower.Item>.AsyncIterator) async -> RecordingFollower
    .Item?
  {
    while let item = await items.next() {
      if case .caughtUp = item { continue }
      return item
    }
    return nil
  }

  /// A header naming pid 1 (always alive) with no writer holding the file: following ends at
  /// once instead of waiting forever (#26 item 3).
  @Test func aHeaderPidThatLivesIsNoWriter() async throws {
    let path = try Self.temporaryFile()
    let recorder = try SessionRecorder(
      path: path, header: RecordingHeader(writer: "wrap", pid: 1, command: ["./kv"], autoMTLS: false))
    recorder.record(.notice("only"))
    recorder.close()
    var follower = try await RecordingFollower.open(path: path, follow: true)
    follower.pollInterval = .milliseconds(20)
    var ended: Bool?
    for await item in follower.items() {
      if case .end(let complete) = item { ended = complete }
    }
    #expect(ended == false)
  }

  /// A log truncated (and written again) while it is followed is read again from its start;
  /// a log replaced by a new file (rotated) is read from the new file (#26 item 3).
  @Test func followingNoticesTruncationAndRotation() async throws {
    let path = try Self.temporaryFile()
    let recorder = try SessionRecorder(
      path: path, header: RecordingHeader(writer: "test", pid: getpid(), command: ["./kv"], autoMTLS: false))
    recorder.record(.notice(String(repeating: "x", count: 4096)))
    var follower = try await RecordingFollower.open(path: path, follow: true)
    follower.pollInterval = .milliseconds(20)
    var items = follower.items().makeAsyncIterator()
    guard case .event(.notice, _) = await Self.nextEvent(&items) else {
      Issue.record("no first event")
      return
    }
    // Truncated, then one short line written from the start (as `>>` would).
    #expect(truncate(path, 0) == 0)
    let line = #"{"event":"notice","text":"after truncate","time":"2026-12-01T00:00:00Z"}"# + "\n"
    let appender = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try appender.write(contentsOf: Data(line.utf8))
    try appender.close()
    var texts: [String] = []
    while texts.last != "after truncate", let item = await Self.nextEvent(&items) {
      if case .event(.notice(let text), _) = item { texts.append(text) }
    }
    #expect(texts.first?.hasSuffix("was truncated: reading it again from its start") == true, "\(texts)")
    #expect(texts.last == "after truncate")
    // Rotated: a new log (its own header) takes the path.
    let next = try SessionRecorder(
      path: path, header: RecordingHeader(writer: "test", pid: getpid(), command: ["./kv"], autoMTLS: false))
    next.record(.notice("in the new file"))
    texts = []
    while texts.last != "in the new file", let item = await Self.nextEvent(&items) {
      if case .event(.notice(let text), _) = item { texts.append(text) }
    }
    #expect(texts.first?.contains("was replaced by a new file (rotated)") == true, "\(texts)")
    next.record(.finished)
    next.close()
    recorder.close()
  }

  /// A line longer than the cap is skipped with its number and reading goes on; the newlines of
  /// a long line are searched once (the cap is small here, 64 MiB in `view`).
  @Test func aLineTooLongIsSkippedAndReadingGoesOn() throws {
    var reader = RecordingReader(path: "s.jsonl")
    reader.maxLineLength = 1000
    var bytes = try RecordingLine.makeEncoder().encode(RecordingLine(.header(Self.header()), time: Self.start))
    bytes.append(0x0A)
    var events = try reader.feed(bytes)
    for _ in 0..<50 { events += try reader.feed(Data(repeating: 0x61, count: 100)) }
    events += try reader.feed(
      Data("\n{\"event\":\"notice\",\"text\":\"next\",\"time\":\"2026-12-01T00:00:00Z\"}\n".utf8))
    let texts = events.compactMap { event -> String? in
      if case .notice(let text) = event.0 { return text }
      return nil
    }
    #expect(texts == ["s.jsonl:2: line 2 too long (over 1000 bytes), skipped", "next"], "\(texts)")
  }

  @Test func openingSaysWhatIsWrong() async throws {
    await #expect(throws: RecordingError(path: "/nonexistent/x.jsonl", line: nil, message: "no such file")) {
      _ = try await RecordingFollower.open(path: "/nonexistent/x.jsonl", follow: false)
    }
    let empty = try Self.temporaryFile()
    #expect(FileManager.default.createFile(atPath: empty, contents: Data()))
    await #expect(
      throws: RecordingError(path: empty, line: nil, message: "the file is empty: not a plugin-dev log (yet)")
    ) {
      _ = try await RecordingFollower.open(path: empty, follow: false)
    }
  }

  @Test func timesKeepTheirMicroseconds() throws {
    for seconds in [
      1_800_000_000.0, 1_800_000_000.000_001, 1_800_000_000.999_999, 1_800_000_000.5, 1_800_000_000.999_999_9,
    ] {
      let date = Date(timeIntervalSince1970: seconds)
      let text = RecordingLine.format(date)
      #expect(text.count == "2027-01-15T08:00:00.000000Z".count, "\(text)")
      let back = try #require(RecordingLine.parse(text), "\(text)")
      #expect(abs(back.timeIntervalSince1970 - seconds) < 0.000_001, "\(text)")
    }
    #expect(RecordingLine.parse("2026-12-01T03:21:20Z") == Date(timeIntervalSince1970: 1_796_095_280))
    #expect(RecordingLine.parse("2026-12-01T04:21:20.5+01:00") == Date(timeIntervalSince1970: 1_796_095_280.5))
    #expect(RecordingLine.parse("yesterday") == nil)
  }

  @Test func pluginNamesReadLikeTheCommand() {
    #expect(RecordingHeader.pluginName(command: ["/usr/bin/python3", "-u", "/x/plugin.py"]) == "plugin.py")
    #expect(RecordingHeader.pluginName(command: ["/x/kv-swift", "serve"]) == "kv-swift")
    #expect(RecordingHeader.pluginName(command: []) == "plugin")
  }
}
