import Foundation
import Testing
import WireTap

/// A relay's decoding state lives only as long as its connection.
@Suite("RelayDecoder")
struct RelayDecoderTests {
  static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + [0, 0, 0, 4, 0, 0, 0, 0, 0]

  @Test func stateIsFreedWhenAConnectionCloses() {
    var decoder = RelayDecoder(registry: MessageRegistry())
    for id in 1...10_000 {
      let records = decoder.feed(.bytes(connection: id, direction: .hostToPlugin, bytes: Self.preface, time: Date()))
      #expect(records.allSatisfy { $0.connection == id })
      #expect(decoder.feed(.closed(connection: id)).isEmpty, "a close makes no record")
    }
    #expect(decoder.openConnections == 0)
  }

  @Test func connectionsAreDecodedApart() {
    var decoder = RelayDecoder(registry: MessageRegistry())
    let half = Self.preface.count / 2
    _ = decoder.feed(.bytes(connection: 1, direction: .hostToPlugin, bytes: Array(Self.preface[..<half]), time: Date()))
    let other = decoder.feed(.bytes(connection: 2, direction: .hostToPlugin, bytes: Self.preface, time: Date()))
    let rest = decoder.feed(
      .bytes(connection: 1, direction: .hostToPlugin, bytes: Array(Self.preface[half...]), time: Date()))
    #expect(other.map(\.type) == ["PREFACE", "SETTINGS"])
    #expect(rest.map(\.type) == ["PREFACE", "SETTINGS"])
    #expect(rest.allSatisfy { $0.connection == 1 } && other.allSatisfy { $0.connection == 2 })
    #expect(decoder.openConnections == 2)
  }
}
