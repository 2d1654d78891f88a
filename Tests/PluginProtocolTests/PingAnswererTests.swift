import NIOCore
import Testing

@testable import PluginProtocol

/// `PingAnswerer` removes exactly the peer's PINGs from an HTTP/2 byte stream, however it is split.
@Suite("PingAnswerer")
struct PingAnswererTests {
  static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

  static func frame(type: UInt8, flags: UInt8 = 0, stream: UInt32 = 0, payload: [UInt8]) -> [UInt8] {
    let length = payload.count
    return [UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff), type, flags]
      + [UInt8(stream >> 24 & 0x7f), UInt8(stream >> 16 & 0xff), UInt8(stream >> 8 & 0xff), UInt8(stream & 0xff)]
      + payload
  }

  static let settings = frame(type: 0x4, payload: [0, 3, 0, 0, 0, 100])
  static let ping1 = frame(type: 0x6, payload: [2, 4, 16, 16, 9, 14, 7, 7])
  static let pingAck = frame(type: 0x6, flags: 0x1, payload: [1, 2, 3, 4, 5, 6, 7, 8])
  static let headers = frame(type: 0x1, flags: 0x4, stream: 1, payload: Array(repeating: 0x88, count: 20))
  static let data = frame(type: 0x0, flags: 0x1, stream: 1, payload: [0, 0, 0, 0, 3, 10, 1, 97])
  static let emptyData = frame(type: 0x0, flags: 0x1, stream: 3, payload: [])
  static let ping2 = frame(type: 0x6, payload: [9, 9, 9, 9, 9, 9, 9, 9])
  static let oddPing = frame(type: 0x6, payload: [1, 2, 3])

  /// Feeds `bytes` split at `cuts`; returns the forwarded bytes and the answered payloads.
  static func run(_ bytes: [UInt8], cuts: [Int], afterClientPreface: Bool = false) -> ([UInt8], [[UInt8]]) {
    var answerer = PingAnswerer(afterClientPreface: afterClientPreface)
    var forwarded: [UInt8] = []
    var answers: [[UInt8]] = []
    var start = 0
    for end in cuts + [bytes.count] where end >= start {
      for piece in answerer.feed(ByteBuffer(bytes: bytes[start..<end])) {
        switch piece {
        case .forward(let buffer): forwarded += Array(buffer.readableBytesView)
        case .answer(let payload): answers.append(payload)
        }
      }
      start = end
    }
    #expect(answerer.answered == answers.count)
    return (forwarded, answers)
  }

  static let stream = settings + ping1 + headers + pingAck + data + emptyData + ping2 + oddPing + data
  static let withoutPings = settings + headers + pingAck + data + emptyData + oddPing + data

  @Test func wholeStream() {
    let (forwarded, answers) = Self.run(Self.stream, cuts: [])
    #expect(forwarded == Self.withoutPings)
    #expect(answers == [[2, 4, 16, 16, 9, 14, 7, 7], [9, 9, 9, 9, 9, 9, 9, 9]])
  }

  @Test func splitAtEveryBoundary() {
    for cut in 0...Self.stream.count {
      let (forwarded, answers) = Self.run(Self.stream, cuts: [cut])
      #expect(forwarded == Self.withoutPings, "cut at \(cut)")
      #expect(answers.count == 2, "cut at \(cut)")
    }
  }

  @Test func oneByteAtATime() {
    let (forwarded, answers) = Self.run(Self.stream, cuts: Array(1..<Self.stream.count))
    #expect(forwarded == Self.withoutPings)
    #expect(answers.count == 2)
  }

  @Test func aServerSkipsTheClientPrefaceFirst() {
    // The preface's bytes must not be read as a frame header.
    let bytes = Self.preface + Self.settings + Self.ping1 + Self.headers
    for cut in 0...bytes.count {
      let (forwarded, answers) = Self.run(bytes, cuts: [cut], afterClientPreface: true)
      #expect(forwarded == Self.preface + Self.settings + Self.headers, "cut at \(cut)")
      #expect(answers == [[2, 4, 16, 16, 9, 14, 7, 7]], "cut at \(cut)")
    }
  }

  @Test func theAckCarriesThePayload() {
    #expect(
      PingAnswerer.ack([1, 2, 3, 4, 5, 6, 7, 8])
        == Self.frame(type: 0x6, flags: 0x1, payload: [1, 2, 3, 4, 5, 6, 7, 8]))
  }
}
