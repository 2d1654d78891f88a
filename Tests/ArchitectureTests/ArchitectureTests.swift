import Foundation
import Testing

/// The module boundaries of README.md's module map, and the size limit of source files.
@Suite("architecture")
struct ArchitectureTests {
  static func readmeMap() throws -> ModuleMap {
    try ModuleMap.parse(readme: SourceTree.text("README.md"))
  }

  @Test func everyTargetHasALineInTheModuleMapAndEveryLineATarget() throws {
    let map = try Self.readmeMap()
    let targets = Set(try SourceTree.targets().keys)
    #expect(
      targets.subtracting(map.modules).isEmpty,
      "targets missing from README's module map: \(targets.subtracting(map.modules).sorted())")
    #expect(
      map.modules.subtracting(targets).isEmpty,
      "module map lines without a target folder: \(map.modules.subtracting(targets).sorted())")
  }

  @Test func everyImportOfAFirstPartyModuleIsAllowedByTheModuleMap() throws {
    let map = try Self.readmeMap()
    var violations: [ModuleMap.Violation] = []
    var checkedFiles = 0
    for (target, folder) in try SourceTree.targets().sorted(by: { $0.key < $1.key }) {
      for file in SourceTree.swiftFiles(in: folder) {
        checkedFiles += 1
        violations += map.violations(
          module: target, imports: SourceTree.imports(of: try SourceTree.text(file), path: file))
      }
    }
    #expect(checkedFiles > 100, "the source tree was not found under \(SourceTree.root.path)")
    #expect(violations.isEmpty, "\(violations.map(\.description).joined(separator: "\n"))")
  }

  @Test func theAllowedDependenciesHaveNoCycle() throws {
    let cycle = try Self.readmeMap().cycle()
    #expect(cycle == nil, "module map cycle: \(cycle?.joined(separator: " → ") ?? "")")
  }

  /// The rule itself, on the README's map: what a Swift plugin links must not pull in the decoder or the TUI.
  @Test func theRuleWouldFlagPluginProtocolImportingWireTap() throws {
    let map = try Self.readmeMap()
    let imports = SourceTree.imports(
      of: "import Foundation\nimport AutoMTLS\n#if DEBUG\n@testable import WireTap\n#endif\npublic import TerminalUI\n",
      path: "Sources/PluginProtocol/Example.swift")
    #expect(
      map.violations(module: "PluginProtocol", imports: imports).map(\.imported) == ["WireTap", "TerminalUI"])
    #expect(map.violations(module: "PluginHost", imports: imports).map(\.imported) == ["TerminalUI"])
    #expect(map.violations(module: "plugin-dev", imports: imports.filter { $0.name != "AutoMTLS" }).isEmpty)
    // The executable target is imported under its C99 name.
    #expect(
      map.violations(module: "PluginHost", imports: [("plugin_dev", "x.swift:1")])
        == [.init(module: "PluginHost", imported: "plugin-dev", location: "x.swift:1")])
  }

  @Test func theParserReadsWrappedLinesAndRefusesWhatItCannotRead() throws {
    let map = try ModuleMap.parse(
      readme: """
        ## Development

        ### Module map

        - `A` — a thing that wraps
          onto a second line. Uses: `B`, `C`.
        - `B` — plain. Uses: nothing first-party.
        - `C` — uses the other. Uses: `B`.

        Text after the list.
        """)
    #expect(map.allowed == ["A": ["B", "C"], "B": [], "C": ["B"]])
    #expect(map.cycle() == nil)
    #expect(ModuleMap(allowed: ["A": ["B"], "B": ["A"]]).cycle() != nil)
    #expect(throws: ModuleMap.ParseError.self) {
      try ModuleMap.parse(readme: "## Development\n- `A` — x. Uses: `B`.\n")
    }
    #expect(throws: ModuleMap.ParseError.self) {
      try ModuleMap.parse(readme: "### Module map\n- `A` — x. Uses: `B`.\n")
    }
    #expect(throws: ModuleMap.ParseError.self) { try ModuleMap.parse(readme: "### Module map\n- `A` — x, no uses.\n") }
  }

  /// Files stay readable: at most 400 lines, except generated code (any folder named `Generated`).
  @Test func noSourceFileIsOver400Lines() throws {
    var long: [String] = []
    for file in SourceTree.swiftFiles(in: "Sources") where !file.contains("/Generated/") {
      let lines = try SourceTree.text(file).split(separator: "\n", omittingEmptySubsequences: false).count
      if lines > 400 { long.append("\(file): \(lines) lines") }
    }
    #expect(long.isEmpty, "over 400 lines (split the file, or move generated code under Generated/): \(long)")
  }

  /// The session is a thin layer over the host core: what it does beyond reporting belongs there.
  @Test func theSessionStaysSmall() throws {
    let lines = try SourceTree.text("Sources/PluginHost/Session/Session.swift").split(
      separator: "\n", omittingEmptySubsequences: false
    ).count
    #expect(lines < 250, "Session.swift has \(lines) lines; move host work into Sources/PluginHost/Host")
  }

  /// The package names macOS, so every libc import has its Darwin twin (`#if canImport(Glibc)` … `#elseif canImport(Darwin)`).
  @Test func libcImportsAreGuardedForBothPlatforms() throws {
    var unguarded: [String] = []
    for folder in ["Sources", "Examples"] {
      for file in SourceTree.swiftFiles(in: folder) {
        let lines = try SourceTree.text(file).components(separatedBy: "\n").map {
          $0.trimmingCharacters(in: .whitespaces)
        }
        for (index, line) in lines.enumerated() where line == "import Glibc" {
          let guarded = index > 0 && lines[index - 1] == "#if canImport(Glibc)"
          let darwin =
            lines[index...].prefix(while: { $0 != "#endif" }).contains("#elseif canImport(Darwin)")
            && lines[index...].contains("import Darwin")
          if !(guarded && darwin) { unguarded.append("\(file):\(index + 1)") }
        }
      }
    }
    #expect(
      unguarded.isEmpty,
      "import Glibc without #if canImport(Glibc) … #elseif canImport(Darwin) import Darwin: \(unguarded)")
  }
}
