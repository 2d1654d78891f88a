import Foundation
import GRPCCore
import PluginProtocol
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
  public struct StartInfo: Sendable, Equatable, Codable {
    /// Process id (and process group).
    public var pid: Int32
    /// The command as text.
    public var command: String
    /// The go-plugin variables sent (cookie and `PLUGIN_*`), and the ones removed.
    public var environment: [String: String]
    /// Variables explicitly removed from the plugin's environment.
    public var removedEnvironment: [String]
    /// Working directory.
    public var workingDirectory: String
    /// Wall-clock start time.
    public var startedAt: Date
    /// Which start this is (1, then 2 after a restart, …).
    public var generation: Int
    /// How many other variables the plugin inherits from plugin-dev's environment (as go-plugin
    /// passes the host's environment on, unless `SkipHostEnv`).
    public var inheritedCount: Int

    /// Creates a value.
    public init(
      pid: Int32, command: String, environment: [String: String], removedEnvironment: [String],
      workingDirectory: String, startedAt: Date, generation: Int, inheritedCount: Int = 0
    ) {
      self.inheritedCount = inheritedCount
      self.pid = pid
      self.command = command
      self.environment = environment
      self.removedEnvironment = removedEnvironment
      self.workingDirectory = workingDirectory
      self.startedAt = startedAt
      self.generation = generation
    }

    private enum CodingKeys: String, CodingKey {
      case pid, command, environment, removedEnvironment, workingDirectory, startedAt, generation, inheritedCount
    }

    /// Decodes a value; `inheritedCount` may be missing (recordings made before it existed).
    public init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      pid = try container.decode(Int32.self, forKey: .pid)
      command = try container.decode(String.self, forKey: .command)
      environment = try container.decode([String: String].self, forKey: .environment)
      removedEnvironment = try container.decode([String].self, forKey: .removedEnvironment)
      workingDirectory = try container.decode(String.self, forKey: .workingDirectory)
      startedAt = try container.decode(Date.self, forKey: .startedAt)
      generation = try container.decode(Int.self, forKey: .generation)
      inheritedCount = try container.decodeIfPresent(Int.self, forKey: .inheritedCount) ?? 0
    }
  }
}

/// One health check.
public struct HealthSample: Sendable, Equatable, Codable {
  /// What the check returned.
  ///
  /// Its Codable form is what Swift synthesizes for such an enum, with the code as its name:
  /// `{"status":{"_0":"SERVING"}}`, `{"failed":{"code":"unavailable","message":"…"}}`.
  public enum Outcome: Sendable, Equatable, Codable {
    /// A status (`SERVING`, `NOT_SERVING`, `UNKNOWN`, `SERVICE_UNKNOWN`).
    case status(String)
    /// The call failed (e.g. unavailable, notFound, unimplemented).
    case failed(code: Status.Code, message: String)

    private enum CodingKeys: String, CodingKey {
      case status, failed
    }

    private enum StatusCodingKeys: String, CodingKey {
      case _0
    }

    private enum FailedCodingKeys: String, CodingKey {
      case code, message
    }

    /// Decodes an outcome.
    public init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      guard container.allKeys.count == 1, let key = container.allKeys.first else {
        throw DecodingError.typeMismatch(
          Outcome.self,
          .init(codingPath: container.codingPath, debugDescription: "a health outcome has one key, status or failed"))
      }
      switch key {
      case .status:
        let nested = try container.nestedContainer(keyedBy: StatusCodingKeys.self, forKey: .status)
        self = .status(try nested.decode(String.self, forKey: ._0))
      case .failed:
        let nested = try container.nestedContainer(keyedBy: FailedCodingKeys.self, forKey: .failed)
        self = .failed(
          code: try nested.decodeStatusCode(forKey: .code), message: try nested.decode(String.self, forKey: .message))
      }
    }

    /// Encodes an outcome.
    public func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      switch self {
      case .status(let status):
        var nested = container.nestedContainer(keyedBy: StatusCodingKeys.self, forKey: .status)
        try nested.encode(status, forKey: ._0)
      case .failed(let code, let message):
        var nested = container.nestedContainer(keyedBy: FailedCodingKeys.self, forKey: .failed)
        try nested.encode(code.description, forKey: .code)
        try nested.encode(message, forKey: .message)
      }
    }
  }
  /// When it was made.
  public var time: Date
  /// The result.
  public var outcome: Outcome
  /// Round trip in seconds.
  public var latency: Double

  /// Creates a sample.
  public init(time: Date, outcome: Outcome, latency: Double) {
    self.time = time
    self.outcome = outcome
    self.latency = latency
  }

  /// True for `SERVING`.
  public var isServing: Bool { outcome == .status("SERVING") }

  /// `SERVING`, `NOT_SERVING`, …, or `unreachable` / the error code.
  public var label: String {
    switch outcome {
    case .status(let status): return status
    case .failed(let code, _): return code == .unavailable ? "unreachable" : code.description
    }
  }
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
