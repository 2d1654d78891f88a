import Testing

@testable import WireTap

@Suite("gRPC message assembler")
struct GRPCMessageAssemblerTests {
  typealias Message = GRPCMessageAssembler.Message

  private func messages(_ outputs: [GRPCMessageAssembler.Output]) -> [Message] {
    outputs.compactMap {
      if case .message(let message) = $0 { return message }
      return nil
    }
  }

  private func errors(_ outputs: [GRPCMessageAssembler.Output]) -> [String] {
    outputs.compactMap {
      if case .error(let text) = $0 { return text }
      return nil
    }
  }

  @Test func messageSplitAcrossSeveralDataFrames() {
    let body = (0..<100).map { UInt8($0) }
    let wire = FrameBuilder.grpc(body)
    var assembler = GRPCMessageAssembler()
    var outputs: [GRPCMessageAssembler.Output] = []
    // Prefix split, then the body over three frames.
    for range in [0..<2, 2..<7, 7..<40, 40..<90, 90..<wire.count] {
      outputs += assembler.feed(wire[range])
      if range.upperBound < wire.count {
        #expect(outputs.isEmpty)
        #expect(assembler.pending?.received == range.upperBound)
      }
    }
    #expect(outputs == [.message(Message(compressed: false, bytes: body))])
    #expect(assembler.pending == nil)
  }

  @Test func everySplitPointOfTwoMessages() {
    let wire = FrameBuilder.grpc([1, 2, 3]) + FrameBuilder.grpc(Array(repeating: 9, count: 20), compressed: true)
    let expected: [GRPCMessageAssembler.Output] = [
      .message(Message(compressed: false, bytes: [1, 2, 3])),
      .message(Message(compressed: true, bytes: Array(repeating: 9, count: 20))),
    ]
    for split in 0...wire.count {
      var assembler = GRPCMessageAssembler()
      let outputs = assembler.feed(wire[..<split]) + assembler.feed(wire[split...], endStream: true)
      #expect(outputs == expected, "split at \(split)")
    }
  }

  @Test func severalMessagesInOneDataFrame() {
    var assembler = GRPCMessageAssembler()
    let wire = FrameBuilder.grpc([1]) + FrameBuilder.grpc([2, 2]) + FrameBuilder.grpc([3, 3, 3])
    #expect(messages(assembler.feed(wire)).map(\.bytes) == [[1], [2, 2], [3, 3, 3]])
  }

  @Test func zeroLengthMessage() {
    var assembler = GRPCMessageAssembler()
    let outputs = assembler.feed(FrameBuilder.grpc([]) + FrameBuilder.grpc([]), endStream: true)
    #expect(
      outputs == [.message(Message(compressed: false, bytes: [])), .message(Message(compressed: false, bytes: []))])
  }

  @Test func compressedFlag() {
    var assembler = GRPCMessageAssembler()
    #expect(
      messages(assembler.feed(FrameBuilder.grpc([0x1f, 0x8b], compressed: true))) == [
        Message(compressed: true, bytes: [0x1f, 0x8b])
      ])
  }

  @Test func badFlagIsAnErrorAndStops() {
    var assembler = GRPCMessageAssembler()
    let outputs = assembler.feed([2, 0, 0, 0, 1, 7])
    #expect(errors(outputs).first?.contains("flag byte is 0x02") == true)
    #expect(assembler.hasFailed)
    #expect(assembler.feed(FrameBuilder.grpc([1])).isEmpty)
    #expect(assembler.feed([], endStream: true).isEmpty)
  }

  @Test func leftoverPartialMessageAtEndStream() {
    var assembler = GRPCMessageAssembler()
    let outputs = assembler.feed([0, 0, 0, 0, 10, 1, 2, 3], endStream: true)
    #expect(errors(outputs) == ["stream ended inside a gRPC message: got 3 of 10 bytes"])
    // Reset afterwards: a new message decodes.
    #expect(messages(assembler.feed(FrameBuilder.grpc([5]))).map(\.bytes) == [[5]])
  }

  @Test func leftoverPartialPrefixAtEndStream() {
    var assembler = GRPCMessageAssembler()
    #expect(
      errors(assembler.feed([0, 0], endStream: true)) == ["stream ended inside a gRPC message prefix (2 of 5 bytes)"])
  }

  @Test func oversizedMessageIsSkippedNotBuffered() {
    var assembler = GRPCMessageAssembler(maxMessageLength: 10)
    var outputs = assembler.feed([0, 0, 0, 0, 20] + Array(repeating: 1, count: 15))
    #expect(errors(outputs).count == 1)
    outputs = assembler.feed(Array(repeating: 1, count: 5) + FrameBuilder.grpc([4]))
    #expect(outputs == [.message(Message(compressed: false, bytes: [4]))])
  }
}
