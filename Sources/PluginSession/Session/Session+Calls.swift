import Foundation
import GRPCCore
import PluginHost
import PluginProtocol
import SwiftProtobuf

extension Session {

  /// Runs a console command that talks to the plugin (`get`, `put`, `health`, `call`) or reads
  /// its schemas (`services`, `describe`); other commands (restart, clear, export, help) are the caller's.
  public func call(_ command: ConsoleCommand, text: String) async -> CallRecord {
    let started = Date()
    switch command {
    case .services, .describe:
      if await core.connection != nil { await ensureReflection() }
      let record = schemaCommand(command, text: text, started: started)
      emit(.call(record))
      return record
    default: break
    }
    guard let connection = await core.connection else {
      let record = CallRecord(
        command: text, method: "", code: .unavailable, result: "the plugin is not running (no accepted handshake)",
        started: started, ended: Date())
      emit(.call(record))
      return record
    }
    var record: CallRecord
    switch command {
    case .get(let key):
      do {
        let value = try await connection.kv.get(key, timeout: options.callTimeout)
        record = CallRecord(
          command: text, method: "/proto.KV/Get", code: .ok, result: Self.render(value), value: value, started: started,
          ended: Date())
      } catch {
        record = failure(error, command: text, method: "/proto.KV/Get", started: started, on: connection)
      }
    case .put(let key, let value):
      do {
        try await connection.kv.put(key, value, timeout: options.callTimeout)
        record = CallRecord(
          command: text, method: "/proto.KV/Put", code: .ok, result: "stored \(value.count) bytes", started: started,
          ended: Date())
      } catch {
        record = failure(error, command: text, method: "/proto.KV/Put", started: started, on: connection)
      }
    case .health:
      let sample = await HealthCall.sample(connection)
      emit(.health(sample))
      record = CallRecord(
        command: text, method: "/grpc.health.v1.Health/Check",
        code: { if case .failed(let code, _) = sample.outcome { return code } else { return .ok } }(),
        result: { if case .failed(_, let message) = sample.outcome { return message } else { return sample.label } }(),
        started: started, ended: Date())
    case .call(let method, let json):
      await ensureReflection()
      let id = UUID()
      let task = Task { await self.invoke(method, json: json, text: text, on: connection, started: started) }
      callTasks[id] = task
      record = await task.value
      callTasks[id] = nil
      if task.isCancelled, !record.ok {
        record.code = .cancelled
        record.result = "cancelled from the console"
      }
    default:
      record = CallRecord(
        command: text, method: "", code: .invalidArgument, result: "not a plugin call", started: started, ended: Date())
    }
    emit(.call(record))
    return record
  }

  /// How long a console call may take by default before it fails with `deadlineExceeded`
  /// (`SessionOptions.callTimeout`, `run --call-timeout`).
  public static let callTimeout: Duration = .seconds(15)
  /// How long a health check may take.
  public static let healthTimeout: Duration = HealthCall.timeout

  nonisolated func failure(
    _ error: any Error, command: String, method: String, started: Date, on connection: PluginConnection
  ) -> CallRecord {
    if let rpc = (error as? RPCError).map({ connection.explain($0, after: options.callTimeout ?? Self.callTimeout) }) {
      return CallRecord(
        command: command, method: method, code: Status.Code(rpc.code), result: rpc.message, started: started,
        ended: Date())
    }
    if error is CancellationError {
      return CallRecord(
        command: command, method: method, code: .cancelled, result: HealthCall.cancelledText, started: started,
        ended: Date())
    }
    return CallRecord(
      command: command, method: method, code: .unknown, result: "\(error)", started: started, ended: Date())
  }

  /// A value as text: UTF-8 when printable, else hex.
  public static func render(_ value: Data) -> String {
    if let text = String(data: value, encoding: .utf8),
      !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
    {
      return text
    }
    return "0x" + value.prefix(256).map { String(format: "%02x", $0) }.joined()
      + (value.count > 256 ? "… (\(value.count) bytes)" : "")
  }
}
