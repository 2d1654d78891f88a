import Foundation
import GRPCCore
import PluginHost
import PluginProtocol
import PluginSchemas
import WireTap

/// Everything a running session reports, in order; the TUI and the headless printer render these.
public enum SessionEvent: Sendable {
  /// The build step started.
  case buildStarted(command: String)
  /// A line of build output.
  case buildOutput(String, stream: PluginProcess.Stream)
  /// The build step ended.
  case buildFinished(status: PluginProcess.ExitStatus, seconds: Double)
  /// The plugin process was spawned.
  case started(StartInfo)
  /// The handshake line was accepted.
  case handshake(HandshakeLine, raw: String, warnings: [HandshakeWarning], seconds: Double)
  /// The handshake failed (the plugin is then stopped).
  case handshakeFailed(HandshakeDiagnosis)
  /// A decoded stderr line (or data from `plugin.GRPCStdio`).
  case log(LogEntry)
  /// A stdout line after the handshake (a Go host drops these).
  case strayStdout(String)
  /// The tap listens here and forwards to the plugin.
  case tapReady(local: String, plugin: String)
  /// A decoded HTTP/2 frame.
  case frame(FrameRecord)
  /// A health check result.
  case health(HealthSample)
  /// `run --serve`: a real host can reattach through the relay.
  case serving(ReattachConfig)
  /// A console/`--exec` call finished.
  case call(CallRecord)
  /// Informational text (stopping, restarting, …).
  case notice(String)
  /// The schemas changed (at the start, after reflection): the methods the console can call.
  case schemas(SchemaCatalog)
  /// The plugin process ended; `expected` when plugin-dev stopped it.
  case exited(PluginProcess.ExitStatus, expected: Bool)
  /// The session is over (no more events).
  case finished

  /// What was started, with which host environment.
  public typealias StartInfo = PluginHost.StartInfo
}

/// The result of a console or `--exec` call (kv get/put, health).
///
/// Its Codable form carries `code` as the code's name (`"ok"`, `"notFound"`).
public struct CallRecord: Sendable, Equatable, Codable {
  /// The command as typed (`put a hello`).
  public var command: String
  /// The gRPC method path (`/proto.KV/Put`).
  public var method: String
  /// gRPC status code (`ok`, `notFound`, …).
  public var code: Status.Code
  /// The result text (value for get, status for health) or the error message.
  public var result: String
  /// The raw value bytes for `get` (nil otherwise).
  public var value: Data?
  /// When the call started and ended (frames in between on `method` belong to it).
  public var started: Date
  /// End time.
  public var ended: Date
  /// More lines of the result (`services`, `describe`, an error's details), printed under it.
  public var detail: [String] = []
  /// The result as JSON text (`call`: the response message, protobuf JSON mapping).
  public var resultJSON: String?
  /// For a server-streaming `call`, which message this is (1, 2, …); nil for the call's end.
  public var streamIndex: Int?

  /// Creates a record.
  public init(
    command: String, method: String, code: Status.Code, result: String, value: Data? = nil, started: Date, ended: Date
  ) {
    self.command = command
    self.method = method
    self.code = code
    self.result = result
    self.value = value
    self.started = started
    self.ended = ended
  }

  /// True when the call succeeded.
  public var ok: Bool { code == .ok }
  /// Round trip in seconds.
  ///
  /// Taken between the times rounded to microseconds, as a log stores them, so `view` prints the
  /// same milliseconds as the live session did (unrounded, 13.35 could print as 13.4 live and 13.3 read back).
  public var latency: Double {
    ((ended.timeIntervalSince1970 * 1e6).rounded() - (started.timeIntervalSince1970 * 1e6).rounded()) / 1e6
  }

  private enum CodingKeys: String, CodingKey {
    case command, method, code, result, value, started, ended, detail, resultJSON, streamIndex
  }

  /// Decodes a record.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    command = try container.decode(String.self, forKey: .command)
    method = try container.decode(String.self, forKey: .method)
    code = try container.decodeStatusCode(forKey: .code)
    result = try container.decode(String.self, forKey: .result)
    value = try container.decodeIfPresent(Data.self, forKey: .value)
    started = try container.decode(Date.self, forKey: .started)
    ended = try container.decode(Date.self, forKey: .ended)
    detail = try container.decodeIfPresent([String].self, forKey: .detail) ?? []
    resultJSON = try container.decodeIfPresent(String.self, forKey: .resultJSON)
    streamIndex = try container.decodeIfPresent(Int.self, forKey: .streamIndex)
  }

  /// Encodes a record.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(command, forKey: .command)
    try container.encode(method, forKey: .method)
    try container.encode(code.description, forKey: .code)
    try container.encode(result, forKey: .result)
    try container.encodeIfPresent(value, forKey: .value)
    try container.encode(started, forKey: .started)
    try container.encode(ended, forKey: .ended)
    if !detail.isEmpty { try container.encode(detail, forKey: .detail) }
    try container.encodeIfPresent(resultJSON, forKey: .resultJSON)
    try container.encodeIfPresent(streamIndex, forKey: .streamIndex)
  }
}
