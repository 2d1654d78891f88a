/// One mode's part of the results file: the heading `## MODE` and the text under it, up to the
/// next `## ` heading outside a code block.
public struct ResultsSection: Equatable, Sendable {
  public var mode: String
  /// The lines under the heading, without the blank lines around them.
  public var body: String

  public init(mode: String, body: String) {
    self.mode = mode
    self.body = body
  }

  /// A run's section: the machine, the date and the command as a list, then the lines the mode
  /// printed in a code block.
  public static func run(mode: String, machine: String, date: String, command: String, lines: [String])
    -> ResultsSection
  {
    let body = ["- Machine: \(machine)", "- Date: \(date)", "- Command: \(command)", "", "```text"] + lines + ["```"]
    return ResultsSection(mode: mode, body: body.joined(separator: "\n"))
  }
}

/// docs/performance-results.md: a header, then a section per mode. A run replaces the sections
/// of the modes it ran and keeps the others.
public enum ResultsFile {
  /// What comes before the sections, rewritten on every run.
  public static let header = """
    [plugin-dev](../README.md) › [docs](README.md) › [performance](performance.md)

    # Benchmark results

    Written by the benchmark, not by hand: each run rewrites the section of each mode it runs and keeps
    the others (`--results FILE` writes elsewhere).

    ```sh
    cd Benchmarks && PLUGIN_DEV_BENCHMARKS=1 swift run -c release plugin-dev-bench [MODE…]
    ```

    [Performance](performance.md) says what each mode measures, how to read the ratios, and the targets.
    """

  /// The sections of a results file, in file order; the text before the first one is left out.
  public static func sections(of text: String) -> [ResultsSection] {
    var sections: [ResultsSection] = []
    var mode: String?
    var lines: [Substring] = []
    var inCodeBlock = false
    func close() {
      guard let mode else { return }
      let blank = { (line: Substring) in line.allSatisfy(\.isWhitespace) }
      let body = lines.drop(while: blank).reversed().drop(while: blank).reversed()
      sections.append(ResultsSection(mode: mode, body: body.joined(separator: "\n")))
    }
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.drop(while: { $0 == " " }).hasPrefix("```") { inCodeBlock.toggle() }
      if !inCodeBlock && line.hasPrefix("## ") {
        close()
        mode = line.dropFirst(3).trimmingSpaces()
        lines = []
      } else {
        lines.append(line)
      }
    }
    close()
    return sections
  }

  /// The file with `fresh` in place of the sections of the same modes: the header, then the
  /// sections in `order`, then any other section in the order it had.
  public static func merged(existing: String?, fresh: [ResultsSection], order: [String]) -> String {
    var all = sections(of: existing ?? "")
    for section in fresh {
      if let index = all.firstIndex(where: { $0.mode == section.mode }) {
        all[index] = section
      } else {
        all.append(section)
      }
    }
    let known = order.compactMap { mode in all.first { $0.mode == mode } }
    let others = all.filter { !order.contains($0.mode) }
    let parts = [header] + (known + others).map { "## \($0.mode)\n\n\($0.body)" }
    return parts.joined(separator: "\n\n") + "\n"
  }
}

extension Substring {
  fileprivate func trimmingSpaces() -> String {
    String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
  }
}
