import Testing
@Test func p() { #expect(1 == 1) }
