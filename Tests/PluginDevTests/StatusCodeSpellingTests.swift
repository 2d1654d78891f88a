import Foundation
import GRPCCore
import PluginHost
import PluginSession
import Testing

@testable import plugin_dev

/// Headless output spells a status code as grpc-swift names it (`"\(error.code)"` before codes
/// were typed); scripts read these lines, so the spelling is pinned here, whole lines compared.
@Suite("status code spelling in headless output")
struct StatusCodeSpellingTests {
  static let time = Date(timeIntervalSince1970: 1_800_000_000)

  static let names: [(Status.Code, String)] = [
    (.ok, "ok"), (.cancelled, "cancelled"), (.unknown, "unknown"), (.invalidArgument, "invalidArgument"),
    (.deadlineExceeded, "deadlineExceeded"), (.notFound, "notFound"), (.resourceExhausted, "resourceExhausted"),
    (.unimplemented, "unimplemented"), (.internalError, "internalError"), (.unavailable, "unavailable"),
  ]

  /// Text lines spell an error code as gRPC does (`NOT_FOUND`), success as `ok`; JSON keeps
  /// grpc-swift's spelling.
  @Test(arguments: names)
  func callLines(_ code: Status.Code, _ name: String) {
    var formatter = SessionEventFormatter()
    let call = CallRecord(
      command: "get a", method: "/proto.KV/Get", code: code, result: "r", started: Self.time, ended: Self.time)
    #expect(formatter.text(.call(call)) == "call      get a → \(code == .ok ? "ok" : code.grpcName) r (0.0 ms)")
    #expect(code.grpcName == code.grpcName.uppercased() && !code.grpcName.isEmpty)
    if code == .notFound { #expect(formatter.text(.call(call)) == "call      get a → NOT_FOUND r (0.0 ms)") }
    #expect(
      formatter.json(.call(call), time: Self.time)
        == #"{"code":"\#(name)","command":"get a","event":"call","latencyMs":0,"method":"/proto.KV/Get","ok":\#(code == .ok),"#
        + #""result":"r","time":"2027-01-15T08:00:00.000Z"}"#)
  }

  @Test(arguments: names.filter { $0.0 != .ok })
  func healthLines(_ code: Status.Code, _ name: String) {
    var formatter = SessionEventFormatter(showEveryHealthCheck: true)
    let sample = HealthSample(time: Self.time, outcome: .failed(code: code, message: "m"), latency: 0)
    let label = code == .unavailable ? "unreachable" : name
    #expect(formatter.text(.health(sample)) == "health    \(code == .unavailable ? label : code.grpcName) (0.0 ms): m")
    #expect(
      formatter.json(.health(sample), time: Self.time)
        == #"{"code":"\#(name)","event":"health","latencyMs":0,"message":"m","status":"\#(label)","time":"2027-01-15T08:00:00.000Z"}"#
    )
  }
}
