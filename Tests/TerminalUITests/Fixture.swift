import Foundation
import PluginHost
import PluginProtocol
import PluginSession
import TerminalUI
import WireTap

/// App states for tests, built by feeding session events and keys through `update`, the way
/// the running TUI builds them.
enum Fixture {
  /// 2025-11-27 17:53:00 UTC.
  static let t0 = Date(timeIntervalSince1970: 1_764_265_980)
  static let utc = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? .current
  static let socket = "/tmp/plugin-7f3a/plugin.sock"

  static func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

  /// A fresh state.
  static func empty(size: Size = Size(width: 80, height: 24), capacity: Int = 100_000, name: String = "kv-swift")
    -> AppState
  {
    AppState(pluginName: name, frameCapacity: capacity, size: size, now: t0, timeZone: utc)
  }

  /// Applies actions, ignoring effects.
  static func feed(_ state: inout AppState, _ actions: [Action]) {
    for action in actions { _ = update(&state, action) }
  }

  /// Applies keys, returning all effects.
  @discardableResult
  static func press(_ state: inout AppState, _ keys: [Key]) -> [Effect] {
    keys.flatMap { update(&state, .key($0)) }
  }

  /// Types text as character keys.
  static func type(_ state: inout AppState, _ text: String) {
    press(&state, text.map { Key.character($0) })
  }

  static func event(_ event: SessionEvent, _ seconds: Double) -> Action {
    .session(event, at: at(seconds))
  }

  /// A start of the plugin (`generation` 2 and up: after a restart).
  static func startInfo(
    pid: Int32 = 4242, command: String = "/usr/local/bin/plugin-dev example-kv-plugin", generation: Int = 1
  ) -> SessionEvent.StartInfo? {
    SessionEvent.StartInfo(
      pid: pid, command: command,
      environment: [
        "BASIC_PLUGIN": "hello", "PLUGIN_PROTOCOL_VERSIONS": "1", "PLUGIN_MIN_PORT": "10000",
        "PLUGIN_MAX_PORT": "25000",
      ],
      removedEnvironment: [], workingDirectory: "/tmp/kv", startedAt: t0, generation: generation)
  }

  static func log(_ level: LogEntry.Level, _ message: String, fields: [LogEntry.Field] = []) -> LogEntry {
    LogEntry(level: level, message: message, module: "kv", fields: fields, format: .json, raw: message)
  }

  // MARK: Frames

  static func frame(
    _ seconds: Double, _ direction: Direction, stream: UInt32, _ type: String, flags: [String] = [], length: Int,
    _ summary: String, method: String? = nil, headers: [HeaderField]? = nil, messages: [DecodedMessageRecord] = [],
    grpcStatus: Int? = nil, settings: [SettingValue]? = nil, payload: [UInt8] = [], kind: FrameRecord.Kind = .frame
  ) -> FrameRecord {
    FrameRecord(
      connection: 1, kind: kind, time: at(seconds), direction: direction, streamID: stream, type: type, flags: flags,
      length: length, summary: summary, method: method, headers: headers, messages: messages, grpcStatus: grpcStatus,
      settings: settings, payloadPrefix: payload)
  }

  static func message(_ type: String, request: Bool, _ summary: String, fields: [(String, String)], bytes: Int)
    -> DecodedMessageRecord
  {
    DecodedMessageRecord(
      typeName: "proto.\(type)", isRequest: request, summary: summary,
      tree: ProtoTreeNode(
        label: "proto.\(type)", value: "\(bytes) bytes",
        children: fields.map { ProtoTreeNode(label: $0.0, value: $0.1) }),
      byteCount: bytes, schemaless: false)
  }

  /// One unary call on `stream`: request HEADERS + DATA, response HEADERS + DATA + trailers.
  static func call(
    _ start: Double, stream: UInt32, method: String, request: DecodedMessageRecord, requestBytes: [UInt8],
    response: DecodedMessageRecord, responseBytes: [UInt8]
  ) -> [FrameRecord] {
    [
      frame(
        start, .hostToPlugin, stream: stream, "HEADERS", flags: ["END_HEADERS"], length: 17, "HEADERS \(method)",
        method: method,
        headers: [
          HeaderField(name: ":method", value: "POST"), HeaderField(name: ":scheme", value: "http"),
          HeaderField(name: ":path", value: method), HeaderField(name: "content-type", value: "application/grpc"),
          HeaderField(name: "te", value: "trailers"),
        ]),
      frame(
        start + 0.0002, .hostToPlugin, stream: stream, "DATA", flags: ["END_STREAM"], length: requestBytes.count,
        "DATA " + request.summary, method: method, messages: [request], payload: requestBytes),
      frame(
        start + 0.0021, .pluginToHost, stream: stream, "HEADERS", flags: ["END_HEADERS"], length: 2,
        "HEADERS (response) :status=200", method: method,
        headers: [
          HeaderField(name: ":status", value: "200"), HeaderField(name: "content-type", value: "application/grpc"),
        ]),
      frame(
        start + 0.0023, .pluginToHost, stream: stream, "DATA", length: responseBytes.count, "DATA " + response.summary,
        method: method, messages: [response], payload: responseBytes),
      frame(
        start + 0.0024, .pluginToHost, stream: stream, "HEADERS", flags: ["END_STREAM", "END_HEADERS"], length: 1,
        "HEADERS (trailers) grpc-status=0", method: method, headers: [HeaderField(name: "grpc-status", value: "0")],
        grpcStatus: 0),
    ]
  }

  static let putRequestBytes: [UInt8] = [0, 0, 0, 0, 10, 0x0a, 0x01, 0x61, 0x12, 0x05] + Array("hello".utf8)
  static let getRequestBytes: [UInt8] = [0, 0, 0, 0, 3, 0x0a, 0x01, 0x61]
  static let getResponseBytes: [UInt8] = [0, 0, 0, 0, 7, 0x0a, 0x05] + Array("hello".utf8)

  /// The frames of a session that connected, put `a`=`hello` and got it back.
  static func sessionFrames() -> [FrameRecord] {
    var frames = [
      frame(
        1.000, .hostToPlugin, stream: 0, "PREFACE", length: 24, "PREFACE PRI * HTTP/2.0 (client connection preface)",
        kind: .preface),
      frame(
        1.001, .hostToPlugin, stream: 0, "SETTINGS", length: 6, "SETTINGS ENABLE_PUSH=0",
        settings: [SettingValue(identifier: 2, value: 0)],
        payload: [0, 2, 0, 0, 0, 0]),
      frame(
        1.002, .pluginToHost, stream: 0, "SETTINGS", length: 6, "SETTINGS MAX_FRAME_SIZE=16384",
        settings: [SettingValue(identifier: 5, value: 16384)], payload: [0, 5, 0, 0, 0x40, 0]),
      frame(1.003, .pluginToHost, stream: 0, "SETTINGS", flags: ["ACK"], length: 0, "SETTINGS ack"),
      frame(1.004, .hostToPlugin, stream: 0, "SETTINGS", flags: ["ACK"], length: 0, "SETTINGS ack"),
    ]
    frames += call(
      2.000, stream: 1, method: "/proto.KV/Put",
      request: message(
        "PutRequest", request: true, "PutRequest {key: \"a\", value: 5 bytes \"hello\"}",
        fields: [("key", "\"a\""), ("value", "5 bytes \"hello\"")], bytes: 10),
      requestBytes: putRequestBytes, response: message("Empty", request: false, "Empty {}", fields: [], bytes: 0),
      responseBytes: [0, 0, 0, 0, 0])
    frames += call(
      3.000, stream: 3, method: "/proto.KV/Get",
      request: message("GetRequest", request: true, "GetRequest {key: \"a\"}", fields: [("key", "\"a\"")], bytes: 3),
      requestBytes: getRequestBytes,
      response: message(
        "GetResponse", request: false, "GetResponse {value: 5 bytes \"hello\"}",
        fields: [("value", "5 bytes \"hello\"")], bytes: 7),
      responseBytes: getResponseBytes)
    return frames
  }

  // MARK: States

  /// Handshake accepted, health SERVING, a put and a get in the console, frames and logs.
  static func running(size: Size = Size(width: 80, height: 24), capacity: Int = 100_000) -> AppState {
    var state = empty(size: size, capacity: capacity)
    var actions: [Action] = []
    if let info = startInfo() { actions.append(event(.started(info), 0)) }
    let line = HandshakeLine(appVersion: 1, network: .unix, address: socket, serverCertificate: "")
    actions += [
      event(.log(log(.debug, "plugin address", fields: [LogEntry.Field(key: "network", value: "unix")])), 0.5),
      event(.handshake(line, raw: "1|1|unix|\(socket)|grpc|", warnings: [], seconds: 0.023), 0.6),
      event(.tapReady(local: "/tmp/tap-1/tap.sock", plugin: socket), 0.7),
      event(.log(log(.info, "serving", fields: [LogEntry.Field(key: "address", value: socket)])), 0.8),
    ]
    actions += sessionFrames().map { event(.frame($0), $0.time.timeIntervalSince(t0)) }
    for second in 1...8 {
      actions.append(
        event(
          .health(
            HealthSample(
              time: at(Double(second)), outcome: .status("SERVING"), latency: 0.0005 + Double(second % 3) * 0.0004)),
          Double(second)))
    }
    actions += [
      event(.log(log(.warn, "slow disk", fields: [LogEntry.Field(key: "ms", value: "120")])), 4),
      event(.strayStdout("debug: connected"), 4.5),
      event(.notice("the plugin has no plugin.GRPCBroker (UNIMPLEMENTED)"), 4.6),
      event(.log(log(.error, "put failed", fields: [LogEntry.Field(key: "key", value: "b")])), 4.7),
    ]
    feed(&state, actions)
    press(&state, [.character(":")])
    type(&state, "put a hello")
    press(&state, [.enter])
    feed(
      &state,
      [
        event(
          .call(
            CallRecord(
              command: "put a hello", method: "/proto.KV/Put", code: .ok, result: "stored 5 bytes", started: at(1.999),
              ended: at(2.003))), 2.003),
        .callFinished(
          CallRecord(
            command: "put a hello", method: "/proto.KV/Put", code: .ok, result: "stored 5 bytes", started: at(1.999),
            ended: at(2.003))),
      ])
    type(&state, "get a")
    press(&state, [.enter])
    feed(
      &state,
      [
        event(
          .call(
            CallRecord(
              command: "get a", method: "/proto.KV/Get", code: .ok, result: "hello", started: at(2.999),
              ended: at(3.0041))), 3.005),
        .callFinished(
          CallRecord(
            command: "get a", method: "/proto.KV/Get", code: .ok, result: "hello", started: at(2.999), ended: at(3.0041)
          )),
      ])
    press(&state, [.escape])
    feed(&state, [.tick(at(42))])
    return state
  }

  /// The plugin printed a banner before its handshake line.
  static func failed(size: Size = Size(width: 80, height: 24)) -> AppState {
    var state = empty(size: size, name: "junk-before.sh")
    var actions: [Action] = []
    if let info = startInfo(pid: 5151, command: "/work/Tests/Fixtures/plugins/junk-before.sh") {
      actions.append(event(.started(info), 0))
    }
    let diagnosis = HandshakeDiagnosis.textBeforeHandshake(
      firstLine: "starting up...", handshakeLater: .init(number: 2, text: "1|1|tcp|127.0.0.1:1234|grpc"))
    actions += [
      event(.handshakeFailed(diagnosis), 0.05),
      event(.exited(.signaled(9), expected: true), 0.06),
      .startFinished(false),
      .tick(at(3)),
    ]
    feed(&state, actions)
    return state
  }
}
