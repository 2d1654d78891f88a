import Foundation
import Testing

@testable import WireTap

@Suite("Connection decoder: synthetic session")
struct ConnectionDecoderSessionTests {
  static let start = Date(timeIntervalSince1970: 1_800_000_000)

  static func decodeAll(_ session: SyntheticSession, chunkSize: Int? = nil) -> [FrameRecord] {
    var decoder = ConnectionDecoder(registry: SyntheticSession.registry, connection: 4)
    var records: [FrameRecord] = []
    for (index, chunk) in session.chunks.enumerated() {
      let time = start.addingTimeInterval(Double(index))
      if let chunkSize {
        var offset = 0
        while offset < chunk.bytes.count {
          let end = min(offset + chunkSize, chunk.bytes.count)
          records += decoder.feed(Array(chunk.bytes[offset..<end]), direction: chunk.direction, at: time)
          offset = end
        }
      } else {
        records += decoder.feed(chunk.bytes, direction: chunk.direction, at: time)
      }
    }
    return records
  }

  @Test func summariesLineByLine() throws {
    let records = Self.decodeAll(try SyntheticSession.make())
    #expect(records.map(\.line) == SyntheticSession.expectedSummaries)
    #expect(records.allSatisfy { $0.kind != .decodeError })
    #expect(records.allSatisfy { $0.connection == 4 })
  }

  @Test(arguments: [1, 2, 3, 7, 64])
  func sameSummariesWhateverTheChunkSize(chunkSize: Int) throws {
    let records = Self.decodeAll(try SyntheticSession.make(), chunkSize: chunkSize)
    #expect(records.map(\.line) == SyntheticSession.expectedSummaries)
  }

  @Test func recordDetails() throws {
    let records = Self.decodeAll(try SyntheticSession.make())
    try #require(records.count == SyntheticSession.expectedSummaries.count)

    let preface = records[0]
    #expect(preface.kind == .preface)
    #expect(preface.type == "PREFACE")
    #expect(preface.length == 24)

    let settings = records[2]
    #expect(
      settings.settings == [SettingValue(identifier: 5, value: 16384), SettingValue(identifier: 4, value: 65535)])
    #expect(settings.settings?.first?.name == "MAX_FRAME_SIZE")
    #expect(records[3].flags == ["ACK"])

    let request = records[5]
    #expect(request.streamID == 1)
    #expect(request.method == SyntheticSession.path)
    #expect(request.flags == ["END_HEADERS"])
    #expect(request.headers?.first(where: { $0.name == ":path" })?.value == SyntheticSession.path)
    #expect(request.headers?.count == 6)

    let data = records[6]
    #expect(data.method == SyntheticSession.path)
    #expect(data.flags == ["END_STREAM"])
    #expect(data.messages.count == 1)
    #expect(data.messages.first?.typeName == "google.protobuf.StringValue")
    #expect(data.messages.first?.isRequest == true)
    #expect(data.messages.first?.byteCount == 7)
    #expect(data.payloadPrefix.count == 12)
    #expect(!data.payloadTruncated)

    #expect(records[8].note?.contains("BDP") == true)
    #expect(records[9].flags == ["ACK"])

    let response = records[11]
    #expect(response.method == SyntheticSession.path)
    #expect(response.messages.first?.isRequest == false)
    #expect(response.messages.first?.typeName == "google.protobuf.BytesValue")

    let trailers = records[12]
    #expect(trailers.grpcStatus == 0)
    #expect(trailers.grpcMessage == "ok ✓ 100%")
    #expect(trailers.method == SyntheticSession.path)
    #expect(trailers.headers?.first(where: { $0.name == "grpc-message" })?.value == "ok%20%E2%9C%93%20100%25")

    // The second request reuses the dynamic table: its header block is much smaller.
    #expect(records[13].length < request.length / 2)
    #expect(records[13].method == SyntheticSession.path)

    let reset = records[14]
    #expect(reset.errorCode == "CANCEL")
    #expect(reset.method == SyntheticSession.path)
    #expect(reset.streamID == 3)

    let goaway = records[15]
    #expect(goaway.errorCode == "ENHANCE_YOUR_CALM")
    let note = try #require(goaway.note)
    #expect(note.contains("200 PING/SETTINGS/PRIORITY frames per 30 s"))
    #expect(note.contains("grpc-go"))
    #expect(note.contains("The tap saw 3 control frames sent to the plugin"))
  }

  @Test func byteAtATimePerDirectionMatchesChunkedDecoding() throws {
    let session = try SyntheticSession.make()
    var decoder = ConnectionDecoder(registry: SyntheticSession.registry)
    var records: [FrameRecord] = []
    for chunk in session.chunks {
      for byte in chunk.bytes {
        records += decoder.feed([byte], direction: chunk.direction, at: Self.start)
      }
    }
    let reference = Self.decodeAll(session)
    #expect(records.map(\.line) == reference.map(\.line))
    #expect(records.map(\.headers) == reference.map(\.headers))
    #expect(records.map(\.messages) == reference.map(\.messages))
  }
}

extension ConnectionDecoderSessionTests {
  @Test func plainHeaderStringsDecodeTheSame() throws {
    let records = Self.decodeAll(try SyntheticSession.make(huffman: false))
    #expect(records.map(\.line) == SyntheticSession.expectedSummaries)
  }
}
