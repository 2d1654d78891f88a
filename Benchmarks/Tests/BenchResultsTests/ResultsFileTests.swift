import BenchResults
import Testing

@Suite struct ResultsFileTests {
  let order = ["decoder", "relay", "wrap", "capture"]

  @Test func aRunSectionHoldsTheMachineDateCommandAndTheLinesInACodeBlock() {
    let section = ResultsSection.run(
      mode: "relay", machine: "2 cores", date: "2026-12-01T10:00:00Z", command: "`plugin-dev-bench relay`",
      lines: ["relay: a", "relay: b"])
    #expect(
      section.body == """
        - Machine: 2 cores
        - Date: 2026-12-01T10:00:00Z
        - Command: `plugin-dev-bench relay`

        ```text
        relay: a
        relay: b
        ```
        """)
  }

  @Test func aNewFileIsTheHeaderAndTheSection() {
    let text = ResultsFile.merged(existing: nil, fresh: [.init(mode: "relay", body: "x")], order: order)
    #expect(text == ResultsFile.header + "\n\n## relay\n\nx\n")
  }

  @Test func theModesRunAreReplacedAndTheOthersKeptInModeOrder() {
    let old = ResultsFile.merged(
      existing: nil,
      fresh: [.init(mode: "wrap", body: "old wrap"), .init(mode: "decoder", body: "old decoder")], order: order)
    let text = ResultsFile.merged(
      existing: old, fresh: [.init(mode: "capture", body: "new capture"), .init(mode: "decoder", body: "new")],
      order: order)
    #expect(
      ResultsFile.sections(of: text) == [
        .init(mode: "decoder", body: "new"), .init(mode: "wrap", body: "old wrap"),
        .init(mode: "capture", body: "new capture"),
      ])
    #expect(text.hasPrefix(ResultsFile.header + "\n\n## decoder\n\nnew\n\n## wrap\n"))
    #expect(text.hasSuffix("new capture\n"))
  }

  @Test func mergingTheSameSectionAgainChangesNothing() {
    let section = ResultsSection.run(mode: "relay", machine: "m", date: "d", command: "c", lines: ["relay: 1"])
    let once = ResultsFile.merged(existing: "# hand-written title\n\nintro\n", fresh: [section], order: order)
    #expect(ResultsFile.merged(existing: once, fresh: [section], order: order) == once)
    #expect(ResultsFile.sections(of: once) == [section])
  }

  @Test func aHeadingInsideACodeBlockIsText() {
    let text = "## wrap\n\n```text\n## not a mode\n```\n\n## relay\n\n\nr\n\n"
    #expect(
      ResultsFile.sections(of: text) == [
        .init(mode: "wrap", body: "```text\n## not a mode\n```"), .init(mode: "relay", body: "r"),
      ])
  }

  @Test func aSectionOfNoKnownModeIsKeptAfterTheModes() {
    let text = ResultsFile.merged(
      existing: "## notes\n\nkept\n\n## wrap\n\nw\n", fresh: [.init(mode: "decoder", body: "d")], order: order)
    #expect(ResultsFile.sections(of: text).map(\.mode) == ["decoder", "wrap", "notes"])
  }
}
