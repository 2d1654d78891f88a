import Foundation
import GRPCCore
import PluginProtocol
import Testing

@testable import PluginCheck
@testable import PluginHost
@testable import PluginSchemas

/// `ServiceChecks`, `KVRoundTrip`, `ReflectionProbe`: the verdicts on a running plugin's services.
@Suite("check: services")
struct CheckServiceTests {
  let tcp = HandshakeLine(appVersion: 1, network: .tcp, address: "127.0.0.1:23017")
  let unix = HandshakeLine(appVersion: 1, network: .unix, address: "/tmp/p/plugin.sock")

  @Test func portRange() {
    #expect(ServiceChecks.portRange(tcp, range: 23000...23099).status == .pass)
    let outside = ServiceChecks.portRange(tcp, range: 24000...24099)
    #expect(outside.status == .warn, "go-plugin's client connects to any port")
    #expect(outside.seen.hasPrefix("listens on port 23017, outside PLUGIN_MIN_PORT..PLUGIN_MAX_PORT = 24000..24099;"))
    #expect(outside.fix?.contains("PLUGIN_MIN_PORT") == true)
    #expect(ServiceChecks.portRange(unix, range: 1...2) == .skip(.portRange, "unix socket, no port"))
  }

  @Test func reachable() {
    #expect(ServiceChecks.reachable(tcp, problem: nil).status == .pass)
    let refused = ServiceChecks.reachable(
      tcp, problem: .unreachable(address: tcp.address, reason: "connect: connection refused"))
    #expect(refused.status == .fail)
    #expect(refused.seen == "nothing accepts connections at 127.0.0.1:23017 (connect: connection refused)")
    #expect(refused.goPlugin?.hasPrefix("rpc error: code = Unavailable") == true)
  }

  @Test(arguments: [
    (HealthSample.Outcome.status("SERVING"), CheckStatus.pass, "Health/Check(\"plugin\") → SERVING in 3 ms"),
    (
      .status("NOT_SERVING"), .warn,
      "Health/Check(\"plugin\") → NOT_SERVING; go-plugin's client loads it (its Ping() fails only when the call "
        + "fails), but a host or tool that reads the status treats the plugin as down"
    ),
    (
      .failed(code: .unimplemented, message: "Method not found!"), .fail,
      "Health/Check(\"plugin\") → UNIMPLEMENTED: the plugin has no grpc.health.v1.Health"
    ),
    (
      .failed(code: .notFound, message: "unknown service"), .fail,
      "Health/Check(\"plugin\") → NOT_FOUND: the health service does not know \"plugin\""
    ),
    (.failed(code: .unavailable, message: "gone"), .fail, "Health/Check(\"plugin\") failed: unavailable gone"),
  ])
  func health(_ outcome: HealthSample.Outcome, _ status: CheckStatus, _ seen: String) {
    let result = ServiceChecks.health(outcome, milliseconds: 3)
    #expect(result.status == status)
    #expect(result.seen == seen)
    #expect((result.fix == nil) == (status == .pass))
  }

  @Test func healthUsesGoStatusNames() {
    let result = ServiceChecks.health(.failed(code: .unimplemented, message: "Method not found!"), milliseconds: 1)
    #expect(result.goPlugin == "rpc error: code = Unimplemented desc = Method not found!")
  }

  @Test(arguments: [
    (ServiceChecks.StdioOutcome.open(bytes: 0), CheckStatus.pass),
    (.open(bytes: 12), .pass),
    (.ended(bytes: 0), .pass),
    (.failed(code: .unimplemented, message: "Method not found!"), .warn),
    (.failed(code: .resourceExhausted, message: "too many"), .warn),
  ])
  func stdio(_ outcome: ServiceChecks.StdioOutcome, _ status: CheckStatus) {
    #expect(ServiceChecks.stdio(outcome).status == status)
    #expect(!CheckID.stdioStream.canFail)
  }

  /// The host log line quoted is the one go-plugin's grpc_stdio.go writes for that code.
  @Test(arguments: [
    (
      Status.Code.unimplemented,
      "plugin.stdio: received EOF, stopping recv loop: err=\"rpc error: code = Unimplemented desc = x\""
    ),
    (.cancelled, "plugin.stdio: received EOF, stopping recv loop: err=\"rpc error: code = Canceled desc = x\""),
    (.internalError, "plugin.stdio: error receiving data: err=\"rpc error: code = Internal desc = x\""),
    (.deadlineExceeded, "plugin.stdio: error receiving data: err=\"rpc error: code = DeadlineExceeded desc = x\""),
  ])
  func stdioQuotesTheHostLog(_ code: Status.Code, _ line: String) {
    #expect(ServiceChecks.stdio(.failed(code: code, message: "x")).goPlugin == line)
  }

  @Test func reflectionOnlyEverWarns() {
    #expect(
      ServiceChecks.reflection(.listed(service: "grpc.reflection.v1", services: ["a", "b"]))
        == .pass(.reflection, "grpc.reflection.v1 lists a, b"))
    #expect(ServiceChecks.reflection(.unimplemented).status == .warn)
    #expect(ServiceChecks.reflection(.failed(code: .unavailable, message: "x")).status == .warn)
    #expect(!CheckID.reflection.canFail)
  }

  @Test func reflectionResponsesAreDecoded() {
    // ServerReflectionResponse{valid_host: "h", list_services_response: {service: [{name: "proto.KV"}, {name: "x.Y"}]}}
    let kv = Array("proto.KV".utf8)
    let xy = Array("x.Y".utf8)
    let service1: [UInt8] = [0x0A, UInt8(kv.count)] + kv
    let service2: [UInt8] = [0x0A, UInt8(xy.count)] + xy
    let list: [UInt8] = [0x0A, UInt8(service1.count)] + service1 + [0x0A, UInt8(service2.count)] + service2
    let response: [UInt8] = [0x0A, 0x01, 0x68] + [0x32, UInt8(list.count)] + list
    #expect(ReflectionProbe.serviceNames(in: response) == ["proto.KV", "x.Y"])
    #expect(ReflectionProbe.serviceNames(in: [0x0A, 0x01, 0x68]) == nil)
    #expect(ReflectionProbe.serviceNames(in: [0x32, 0x7F, 0x01]) == nil, "a length past the end is not read")
    #expect(ReflectionProbe.listServicesRequest == [0x3A, 0x00])
  }

  @Test func kvRoundTripPassesWhenEveryValueComesBack() {
    let outcome = KVRoundTrip.Outcome.cases(KVRoundTrip.cases.map { .same($0) }, milliseconds: 40)
    let result = KVRoundTrip.evaluate(outcome)
    #expect(
      result == .pass(.kvRoundTrip, "put/get returned the same bytes for text, empty, bytes 0x00–0xff, 1 MiB in 40 ms"))
    #expect(KVRoundTrip.evaluate(.notKV).status == .skip)
  }

  @Test func kvCasesCoverTextEmptyEveryByteAndOneMebibyte() {
    let values = KVRoundTrip.cases.map(\.value)
    #expect(values.count == 4)
    #expect(values[1].isEmpty)
    #expect(Set(values[2]).count == 256)
    #expect(values[3].count == 1 << 20)
  }

  @Test func kvMismatchShowsTheFirstDifferentByte() {
    let bytes = KVRoundTrip.cases[2]
    let mangled = Data(bytes.value.prefix(128)) + Data(repeating: 0xEF, count: 10)
    let result = KVRoundTrip.evaluate(
      .cases([.same(KVRoundTrip.cases[0]), .different(bytes, got: mangled)], milliseconds: 1))
    #expect(result.status == .fail)
    #expect(
      result.seen
        == "the value holding every byte 0x00–0xff (256 bytes) came back as 138 bytes, first difference at byte 128 (0xef instead of 0x80)"
    )
  }

  @Test func kvTooBigForThePluginSaysSo() {
    let big = KVRoundTrip.cases[3]
    let result = KVRoundTrip.evaluate(
      .cases([.putFailed(big, code: .resourceExhausted, message: "too large")], milliseconds: 1))
    #expect(result.seen.hasPrefix("put of the 1 MiB random value (1048576 bytes) failed: resourceExhausted"))
    #expect(result.fix?.contains("max receive") == true)
  }

  @Test(arguments: [
    (Data([1, 2, 3]), Data([1, 2, 3]), Int?.none),
    (Data([1, 2, 3]), Data([1, 9, 3]), 1),
    (Data([1, 2, 3]), Data([1, 2]), 2),
    (Data(), Data([0]), 0),
  ])
  func firstDifference(_ a: Data, _ b: Data, _ index: Int?) {
    #expect(KVRoundTrip.firstDifference(a, b) == index)
  }
}
