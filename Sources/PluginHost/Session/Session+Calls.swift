import AutoMTLS
import Foundation
import GRPCCore
import PluginProtocol
import SwiftProtobuf
import WireTap

extension Session {

  /// Runs a console command that talks to the plugin (`get`, `put`, `health`); other commands
  /// (restart, clear, export, help) are the caller's.
  public func call(_ command: ConsoleCommand, text: String) async -> CallRecord {
    let started = Date()
    guard let connection = run?.connection else {
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
        let value = try await connection.kv.get(key, timeout: Self.callTimeout)
        record = CallRecord(
          command: text, method: "/proto.KV/Get", code: .ok, result: Self.render(value), value: value, started: started,
          ended: Date())
      } catch {
        record = Self.failure(error, command: text, method: "/proto.KV/Get", started: started, on: connection)
      }
    case .put(let key, let value):
      do {
        try await connection.kv.put(key, value, timeout: Self.callTimeout)
        record = CallRecord(command: text, method: "/proto.KV/Put", code: .ok, result: "stored \(value.count) bytes", started: started, ended: Date())
      } catch {
        record = Self.failure(error, command: text, method: "/proto.KV/Put", started: started, on: connection)
      }
    case .health:
      let sample = await checkHealth(connection)
      emit(.health(sample))
      record = CallRecord(
        command: text, method: "/grpc.health.v1.Health/Check",
        code: { if case .failed(let code, _) = sample.outcome { return code } else { return .ok } }(),
        result: { if case .failed(_, let message) = sample.outcome { return message } else { return sample.label } }(),
        started: started, ended: Date())
    default:
      record = CallRecord(command: text, method: "", code: .invalidArgument, result: "not a plugin call", started: started, ended: Date())
    }
    emit(.call(record))
    return record
  }

  /// How long a console call may take before it fails with `deadlineExceeded`.
  public static let callTimeout: Duration = .seconds(15)
  /// What a call cut short by stopping says.
  static let cancelledText = "stopped before the plugin answered"
  /// How long a health check may take.
  public static let healthTimeout: Duration = .seconds(5)

  static func failure(
    _ error: any Error, command: String, method: String, started: Date, on connection: PluginConnection
  ) -> CallRecord {
    if let rpc = (error as? RPCError).map({ connection.explain($0, after: callTimeout) }) {
      return CallRecord(command: command, method: method, code: Status.Code(rpc.code), result: rpc.message, started: started, ended: Date())
    }
    if error is CancellationError {
      return CallRecord(command: command, method: method, code: .cancelled, result: Self.cancelledText, started: started, ended: Date())
    }
    return CallRecord(command: command, method: method, code: .unknown, result: "\(error)", started: started, ended: Date())
  }

  /// A value as text: UTF-8 when printable, else hex.
  public static func render(_ value: Data) -> String {
    if let text = String(data: value, encoding: .utf8), !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }) {
      return text
    }
    return "0x" + value.prefix(256).map { String(format: "%02x", $0) }.joined() + (value.count > 256 ? "… (\(value.count) bytes)" : "")
  }

  func healthTick(generation: Int) async -> HealthSample? {
    guard let current = run, current.generation == generation, let connection = current.connection else { return nil }
    let sample = await checkHealth(connection)
    guard run === current, !current.stopping else { return nil }
    emit(.health(sample))
    return sample
  }

  func checkHealth(_ connection: PluginConnection) async -> HealthSample {
    let started = Date()
    let clock = ContinuousClock()
    let t0 = clock.now
    do {
      let status = try await connection.health.check(timeout: Self.healthTimeout)
      return HealthSample(time: started, outcome: .status(status.protoName), latency: (clock.now - t0).seconds)
    } catch let error as RPCError {
      let error = connection.explain(error, after: Self.healthTimeout)
      return HealthSample(time: started, outcome: .failed(code: Status.Code(error.code), message: error.message), latency: (clock.now - t0).seconds)
    } catch is CancellationError {
      return HealthSample(time: started, outcome: .failed(code: .cancelled, message: Self.cancelledText), latency: (clock.now - t0).seconds)
    } catch {
      return HealthSample(time: started, outcome: .failed(code: .unknown, message: "\(error)"), latency: (clock.now - t0).seconds)
    }
  }
}
