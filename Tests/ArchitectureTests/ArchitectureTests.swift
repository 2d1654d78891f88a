import Foundation
import Testing

/// The module boundaries declared in Package.swift (described for people in docs/architecture.md),
/// the direction rules between the layers, and the size limit of source files.
@Suite("architecture")
struct ArchitectureTests {
  /// The map of Package.swift and of the package it depends on by path (PluginProtocol/Package.swift).
  static func packageMap() throws -> ModuleMap {
    try ModuleMap.load(read: SourceTree.text)
  }

  /// The map's modules that live in the source folders (`Sources/`, `Examples/kv-swift/Sources/`).
  static func sourceModules(_ map: ModuleMap) -> Set<String> {
    Set(
      map.paths.filter { _, path in SourceTree.targetFolders.contains { path.hasPrefix($0 + "/") } }.map(\.key))
  }

  @Test func everySourceFolderIsATargetOfThePackageAndEveryTargetHasAFolder() throws {
    let map = try Self.packageMap()
    let folders = try SourceTree.targets()
    let modules = Self.sourceModules(map)
    let targets = Set(folders.keys)
    #expect(
      targets.subtracting(modules).isEmpty,
      "folders that are no target of Package.swift: \(targets.subtracting(modules).sorted())")
    #expect(
      modules.subtracting(targets).isEmpty,
      "targets of Package.swift without a source folder: \(modules.subtracting(targets).sorted())")
    for (name, folder) in folders where map.paths[name] != nil {
      #expect(map.paths[name] == folder, "`\(name)` is in \(folder), Package.swift says \(map.paths[name] ?? "")")
    }
  }

  @Test func everyImportOfAFirstPartyModuleIsADeclaredDependency() throws {
    let map = try Self.packageMap()
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
    let cycle = try Self.packageMap().cycle()
    #expect(cycle == nil, "dependency cycle in Package.swift: \(cycle?.joined(separator: " → ") ?? "")")
  }

  /// The layering docs/architecture.md promises, so that a new dependency in Package.swift cannot
  /// quietly turn it around: what a Swift plugin links never reaches the decoder, the host or the TUI;
  /// the host core knows none of the commands' modules (check, run's session, wrap, schemas) and
  /// they know not each other, save wrap writing a session's recording; the relay, the capture,
  /// the certificates and the scaffolder stand alone; the decoder does no I/O;
  /// only the TUI touches curses, and only the CLI starts the TUI; nothing imports the CLI.
  @Test func theLayersKeepTheirDirection() throws {
    let map = try Self.packageMap()
    let commands: Set<String> = ["PluginSchemas", "PluginCheck", "PluginSession", "PluginWrap"]
    let front: Set<String> = ["TerminalUI", "CNcursesw", "Scaffold", "KVExample", "plugin-dev"]
    let mustNotReach: [String: Set<String>] = [
      "PluginProtocol": Set(["WireTap", "PluginHost", "Capture"]).union(commands).union(front),
      "KVExample": Set(["WireTap", "PluginHost", "TerminalUI", "CNcursesw", "Capture", "Scaffold", "plugin-dev"])
        .union(commands),
      "WireTap": Set(["Relay", "PluginProtocol", "PluginHost", "Capture", "AutoMTLS"]).union(commands).union(front),
      // The host core knows no command; the commands know neither each other nor the front.
      "PluginHost": commands.union(front),
      "PluginSchemas": Set(["PluginCheck", "PluginSession", "PluginWrap"]).union(front),
      "PluginCheck": Set(["PluginSession", "PluginWrap"]).union(front),
      "PluginSession": Set(["PluginCheck", "PluginWrap"]).union(front),
      "PluginWrap": Set(["PluginCheck"]).union(front),
      "TerminalUI": ["PluginCheck", "PluginWrap", "Scaffold", "KVExample", "plugin-dev"],
    ]
    for (module, forbidden) in mustNotReach.sorted(by: { $0.key < $1.key }) {
      let reached = map.reachable(from: module).intersection(forbidden)
      #expect(reached.isEmpty, "`\(module)` reaches \(reached.sorted()) through Package.swift")
    }
    for module in ["AutoMTLS", "Scaffold", "CZlib", "CNcursesw", "Traffic"] {
      #expect(map.allowed[module] == [], "`\(module)` depends on \(map.allowed[module]?.sorted() ?? [])")
    }
    // The relay, the capture and the decoder share one `Direction` and nothing else.
    for module in ["Relay", "Capture"] {
      #expect(map.allowed[module] == ["Traffic"], "`\(module)` depends on \(map.allowed[module]?.sorted() ?? [])")
    }
    // The PluginProtocol package (what a plugin resolves and builds) holds what a plugin links, nothing more.
    let pluginPackage = Set(map.paths.filter { $0.value.hasPrefix("PluginProtocol/") }.map(\.key))
    #expect(
      pluginPackage == map.reachable(from: "PluginProtocol").union(["PluginProtocol"]),
      "PluginProtocol/Package.swift holds \(pluginPackage.sorted())")
    let users = { (name: String) in Set(map.allowed.filter { $0.value.contains(name) }.map(\.key)) }
    #expect(users("CNcursesw") == ["TerminalUI"], "only TerminalUI calls curses: \(users("CNcursesw").sorted())")
    #expect(users("TerminalUI") == ["plugin-dev"], "only plugin-dev starts the TUI: \(users("TerminalUI").sorted())")
    #expect(users("plugin-dev").isEmpty, "nothing imports the CLI: \(users("plugin-dev").sorted())")
  }

  /// The rule itself, on Package.swift's map: what a Swift plugin links must not pull in the decoder or the TUI.
  @Test func theRuleWouldFlagPluginProtocolImportingWireTap() throws {
    let map = try Self.packageMap()
    let imports = SourceTree.imports(
      of: "import Foundation\nimport AutoMTLS\n#if DEBUG\n@testable import WireTap\n#endif\npublic import TerminalUI\n",
      path: "PluginProtocol/Sources/PluginProtocol/Example.swift")
    #expect(
      map.violations(module: "PluginProtocol", imports: imports).map(\.imported) == ["WireTap", "TerminalUI"])
    #expect(map.violations(module: "PluginHost", imports: imports).map(\.imported) == ["TerminalUI"])
    #expect(map.violations(module: "plugin-dev", imports: imports.filter { $0.name != "AutoMTLS" }).isEmpty)
    // The executable target is imported under its C99 name.
    #expect(
      map.violations(module: "PluginHost", imports: [("plugin_dev", "x.swift:1")])
        == [.init(module: "PluginHost", imported: "plugin-dev", location: "x.swift:1")])
  }

  @Test func theParserReadsAManifestAndRefusesWhatItCannotRead() throws {
    let map = try ModuleMap.parse(
      manifest: """
        // swift-tools-version: 6.0
        import PackageDescription

        let package = Package(
          name: "x",
          products: [.library(name: "A", targets: ["A"])],
          dependencies: [.package(url: "https://example.com/p.git", from: "1.0.0")],
          targets: [
            .systemLibrary(name: "S", path: "Sources/S"),
            .target(
              name: "A",
              dependencies: [
                "B",  // a comment, "C"
                .product(name: "P", package: "p"),
                .target(name: "C"),
              ]
            ),
            .target(name: "B", dependencies: [.byName(name: "S"), "External"]),
            /* .target(name: "Gone"), */
            .target(name: "C", path: "Examples/c/Sources/C"),
            .executableTarget(name: "a-cli", dependencies: ["A"]),
            .testTarget(name: "ATests", dependencies: ["A", "a-cli"]),
          ]
        )
        """)
    #expect(map.allowed == ["S": [], "A": ["B", "C"], "B": ["S"], "C": [], "a-cli": ["A"]])
    #expect(map.paths["C"] == "Examples/c/Sources/C")
    #expect(map.paths["a-cli"] == "Sources/a-cli")
    #expect(map.reachable(from: "a-cli") == ["A", "B", "C", "S"])
    #expect(map.cycle() == nil)
    #expect(ModuleMap(allowed: ["A": ["B"], "B": ["A"]]).cycle() != nil)
    #expect(throws: ModuleMap.ParseError.self) { try ModuleMap.parse(manifest: "let x = 1\n") }
    #expect(throws: ModuleMap.ParseError.self) { try ModuleMap.parse(manifest: "let p = Package(name: \"x\")\n") }
    #expect(throws: ModuleMap.ParseError.self) {
      try ModuleMap.parse(manifest: "let p = Package(targets: [.target(name: \"A\", dependencies: [someVariable])])")
    }
    #expect(throws: ModuleMap.ParseError.self) {
      try ModuleMap.parse(
        manifest: "let p = Package(targets: [.target(name: \"A\", dependencies: [\"ATests\"]), "
          + ".testTarget(name: \"ATests\")])")
    }
  }

  /// A path dependency's modules join the map: its libraries, named in place or through a
  /// `let x: Target.Dependency` constant, stand for their targets, and its paths are the root's.
  @Test func theParserFollowsPathDependencies() throws {
    var manifests = [
      "Package.swift": """
      import PackageDescription
      let inner: Target.Dependency = .product(name: "I", package: "inner")
      let package = Package(
        name: "x",
        dependencies: [
          .package(name: "inner", path: "Inner"), .package(url: "https://example.com/p.git", from: "1.0.0"),
        ],
        targets: [
          .target(name: "A", dependencies: [inner, .product(name: "P", package: "p")]),
          .target(name: "B", dependencies: [.product(name: "J", package: "inner"), "A"]),
        ]
      )
      """,
      "Inner/Package.swift": """
      import PackageDescription
      let package = Package(
        name: "inner",
        products: [.library(name: "I", targets: ["I"]), .library(name: "J", targets: ["J"])],
        targets: [.target(name: "I", dependencies: ["J"]), .target(name: "J"), .target(name: "Hidden")]
      )
      """,
    ]
    let read = { (path: String) throws -> String in
      guard let text = manifests[path] else { throw ModuleMap.ParseError(description: "no \(path)") }
      return text
    }
    let map = try ModuleMap.load(read: read)
    #expect(map.allowed == ["A": ["I"], "B": ["J", "A"], "I": ["J"], "J": [], "Hidden": []])
    #expect(map.paths["I"] == "Inner/Sources/I")
    #expect(map.paths["A"] == "Sources/A")
    #expect(map.reachable(from: "B") == ["A", "I", "J"])
    // A library the path dependency does not have is an error, not a skipped dependency.
    manifests["Package.swift"] = manifests["Package.swift"]?.replacingOccurrences(
      of: #"name: "J", package"#, with: #"name: "Hidden", package"#)
    #expect(throws: ModuleMap.ParseError.self) { try ModuleMap.load(read: read) }
  }

  /// Files stay readable: at most 400 lines, except generated code (any folder named `Generated`).
  @Test func noSourceFileIsOver400Lines() throws {
    var long: [String] = []
    for file in SourceTree.sourceFolders.flatMap(SourceTree.swiftFiles) where !file.contains("/Generated/") {
      let lines = try SourceTree.text(file).split(separator: "\n", omittingEmptySubsequences: false).count
      if lines > 400 { long.append("\(file): \(lines) lines") }
    }
    #expect(long.isEmpty, "over 400 lines (split the file, or move generated code under Generated/): \(long)")
  }

  /// The session is a thin layer over the host core: what it does beyond reporting belongs there.
  @Test func theSessionStaysSmall() throws {
    let lines = try SourceTree.text("Sources/PluginSession/Session/Session.swift").split(
      separator: "\n", omittingEmptySubsequences: false
    ).count
    #expect(lines < 250, "Session.swift has \(lines) lines; move host work into Sources/PluginHost/Host")
  }

  /// The package names macOS, so every libc import has its Darwin twin (`#if canImport(Glibc)` … `#elseif canImport(Darwin)`).
  @Test func libcImportsAreGuardedForBothPlatforms() throws {
    var unguarded: [String] = []
    for folder in SourceTree.sourceFolders + ["Examples"] {
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
