import Foundation
import GRPCCore
import Testing

@testable import PluginHost
@testable import PluginSession

/// `CallRecord` and `HealthSample` encode a status code as its name, exactly as they did when the
/// code was a string (what Swift synthesizes for them), and read it back.
@Suite("status codes in Codable records")
struct StatusCodeCodingTests {
  static let time = Date(timeIntervalSinceReferenceDate: 0)

  static func json(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }

  static func decoded<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
    try JSONDecoder().decode(type, from: Data(text.utf8))
  }

  @Test(arguments: [
    (Status.Code.ok, "ok"), (.cancelled, "cancelled"), (.unknown, "unknown"), (.invalidArgument, "invalidArgument"),
    (.deadlineExceeded, "deadlineExceeded"), (.notFound, "notFound"), (.internalError, "internalError"),
    (.unavailable, "unavailable"), (.unauthenticated, "unauthenticated"),
  ])
  func callRecord(_ code: Status.Code, _ name: String) throws {
    let record = CallRecord(
      command: "get a", method: "/proto.KV/Get", code: code, result: "r", started: Self.time, ended: Self.time)
    let text = #"{"code":"\#(name)","command":"get a","ended":0,"method":"/proto.KV/Get","result":"r","started":0}"#
    #expect(try Self.json(record) == text)
    #expect(try Self.decoded(CallRecord.self, text) == record)
    #expect(Status.Code(name: name) == code)
  }

  @Test func callRecordWithAValue() throws {
    let record = CallRecord(
      command: "get a", method: "/proto.KV/Get", code: .ok, result: "hi", value: Data("hi".utf8), started: Self.time,
      ended: Self.time)
    let text =
      #"{"code":"ok","command":"get a","ended":0,"method":"/proto.KV/Get","result":"hi","started":0,"value":"aGk="}"#
    #expect(try Self.json(record) == text)
    #expect(try Self.decoded(CallRecord.self, text) == record)
  }

  @Test func healthSamples() throws {
    let failed = HealthSample(time: Self.time, outcome: .failed(code: .deadlineExceeded, message: "slow"), latency: 0.5)
    let failedText = #"{"latency":0.5,"outcome":{"failed":{"code":"deadlineExceeded","message":"slow"}},"time":0}"#
    #expect(try Self.json(failed) == failedText)
    #expect(try Self.decoded(HealthSample.self, failedText) == failed)
    let serving = HealthSample(time: Self.time, outcome: .status("SERVING"), latency: 0.5)
    let servingText = #"{"latency":0.5,"outcome":{"status":{"_0":"SERVING"}},"time":0}"#
    #expect(try Self.json(serving) == servingText)
    #expect(try Self.decoded(HealthSample.self, servingText) == serving)
  }

  @Test func anUnknownNameIsRefused() {
    #expect(Status.Code(name: "internal") == nil)
    #expect(throws: DecodingError.self) {
      try Self.decoded(HealthSample.Outcome.self, #"{"failed":{"code":"Unavailable","message":"x"}}"#)
    }
    #expect(throws: DecodingError.self) {
      try Self.decoded(
        HealthSample.Outcome.self, #"{"failed":{"code":"unavailable","message":"x"},"status":{"_0":"x"}}"#)
    }
  }
}
