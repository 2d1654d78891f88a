import Foundation
import Testing

@testable import Scaffold

@Suite("Refusals and --force")
struct RefusalTests {
  /// The shipped python template and a scaffolder for it.
  static func python() throws -> (Scaffolder, Template) {
    let library = try ScaffoldFixtures.library()
    return (Scaffolder(library: library), try library.lookup(name: "kv", language: "python"))
  }

  @Test func aNonEmptyFolderIsRefusedWithoutForce() throws {
    let (scaffolder, template) = try Self.python()
    let parent = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(parent) }
    try ScaffoldFixtures.write("mine", to: "kv-plugin/notes.txt", in: parent)
    let error = ScaffoldFixtures.error {
      _ = try scaffolder.generate(template: template, name: "kv-plugin", into: parent)
    }
    let folder = parent.appendingPathComponent("kv-plugin").path
    #expect(error == .targetNotEmpty(folder, entries: ["notes.txt"]))
    #expect(error?.description.contains("--force") == true)
    #expect(ScaffoldFixtures.files(in: parent) == ["kv-plugin/notes.txt"])
  }

  @Test func anEmptyFolderIsFineAndAMissingParentIsCreated() throws {
    let (scaffolder, template) = try Self.python()
    let parent = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(parent) }
    try FileManager.default.createDirectory(
      at: parent.appendingPathComponent("kv-plugin"), withIntermediateDirectories: true)
    _ = try scaffolder.generate(template: template, name: "kv-plugin", into: parent)
    _ = try scaffolder.generate(template: template, name: "kv-plugin", into: parent.appendingPathComponent("a/b"))
    #expect(FileManager.default.fileExists(atPath: parent.appendingPathComponent("a/b/kv-plugin/plugin.py").path))
  }

  @Test func forceReplacesTemplateFilesAndLeavesOthers() throws {
    let (scaffolder, template) = try Self.python()
    let parent = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(parent) }
    try ScaffoldFixtures.write("mine", to: "kv-plugin/notes.txt", in: parent)
    try ScaffoldFixtures.write("old readme", to: "kv-plugin/README.md", in: parent)
    let result = try scaffolder.generate(template: template, name: "kv-plugin", into: parent, force: true)
    #expect(try ScaffoldFixtures.read("kv-plugin/notes.txt", in: parent) == "mine")
    #expect(try ScaffoldFixtures.read("kv-plugin/README.md", in: parent).hasPrefix("# kv-plugin"))
    #expect(!result.files.contains("notes.txt"))
    // No temporary files are left behind.
    #expect(
      ScaffoldFixtures.files(in: parent.appendingPathComponent("kv-plugin")) == (result.files + ["notes.txt"]).sorted())
  }

  @Test func forceNeverWritesThroughAFileLink() throws {
    let (scaffolder, template) = try Self.python()
    let parent = try ScaffoldFixtures.temporaryFolder()
    let outside = try ScaffoldFixtures.temporaryFolder("outside")
    defer {
      ScaffoldFixtures.remove(parent)
      ScaffoldFixtures.remove(outside)
    }
    try ScaffoldFixtures.write("precious", to: "victim.txt", in: outside)
    let folder = parent.appendingPathComponent("kv-plugin")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(
      at: folder.appendingPathComponent("requirements.txt"),
      withDestinationURL: outside.appendingPathComponent("victim.txt"))

    let error = ScaffoldFixtures.error {
      _ = try scaffolder.generate(template: template, name: "kv-plugin", into: parent, force: true)
    }
    #expect(error == .symlinkInTarget(folder.appendingPathComponent("requirements.txt").path))
    #expect(error?.description.contains("never writes through links") == true)
    #expect(try ScaffoldFixtures.read("victim.txt", in: outside) == "precious")
    // Checked before writing: nothing else was written either.
    #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["requirements.txt"])
  }

  @Test func forceNeverWritesThroughAFolderLink() throws {
    let (scaffolder, template) = try Self.python()
    let parent = try ScaffoldFixtures.temporaryFolder()
    let outside = try ScaffoldFixtures.temporaryFolder("outside")
    defer {
      ScaffoldFixtures.remove(parent)
      ScaffoldFixtures.remove(outside)
    }
    let folder = parent.appendingPathComponent("kv-plugin")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("protos"), withDestinationURL: outside)

    let error = ScaffoldFixtures.error {
      _ = try scaffolder.generate(template: template, name: "kv-plugin", into: parent, force: true)
    }
    #expect(error == .symlinkInTarget(folder.appendingPathComponent("protos").path))
    #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
  }

  @Test func aDanglingLinkIsNotFollowedEither() throws {
    let (scaffolder, template) = try Self.python()
    let parent = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(parent) }
    let folder = parent.appendingPathComponent("kv-plugin")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let target = parent.appendingPathComponent("created-through-link")
    try FileManager.default.createSymbolicLink(
      at: folder.appendingPathComponent("plugin.py"), withDestinationURL: target)
    let error = ScaffoldFixtures.error {
      _ = try scaffolder.generate(template: template, name: "kv-plugin", into: parent, force: true)
    }
    #expect(error == .symlinkInTarget(folder.appendingPathComponent("plugin.py").path))
    #expect(!FileManager.default.fileExists(atPath: target.path))
  }

  @Test func theTargetItselfMayNotBeALinkOrAFile() throws {
    let (scaffolder, template) = try Self.python()
    let parent = try ScaffoldFixtures.temporaryFolder()
    let outside = try ScaffoldFixtures.temporaryFolder("outside")
    defer {
      ScaffoldFixtures.remove(parent)
      ScaffoldFixtures.remove(outside)
    }
    try FileManager.default.createSymbolicLink(at: parent.appendingPathComponent("linked"), withDestinationURL: outside)
    let linked = ScaffoldFixtures.error {
      _ = try scaffolder.generate(template: template, name: "linked", into: parent, force: true)
    }
    #expect(linked == .targetIsSymlink(parent.appendingPathComponent("linked").path))
    #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)

    try ScaffoldFixtures.write("x", to: "afile", in: parent)
    let file = ScaffoldFixtures.error {
      _ = try scaffolder.generate(template: template, name: "afile", into: parent, force: true)
    }
    #expect(file == .targetNotAFolder(parent.appendingPathComponent("afile").path))
  }

  @Test func aFolderWhereAFileGoesIsReported() throws {
    let (scaffolder, template) = try Self.python()
    let parent = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(parent) }
    let folder = parent.appendingPathComponent("kv-plugin")
    try FileManager.default.createDirectory(
      at: folder.appendingPathComponent("plugin.py"), withIntermediateDirectories: true)
    let error = ScaffoldFixtures.error {
      _ = try scaffolder.generate(template: template, name: "kv-plugin", into: parent, force: true)
    }
    #expect(
      error
        == .pathBlocked(folder.appendingPathComponent("plugin.py").path, reason: "a folder of that name is in the way"))
  }

  @Test(arguments: ["a/b", "../up", "kv.plugin", "", "x y"])
  func badNamesWriteNothing(_ name: String) throws {
    let (scaffolder, template) = try Self.python()
    let parent = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(parent) }
    let error = ScaffoldFixtures.error { _ = try scaffolder.generate(template: template, name: name, into: parent) }
    guard case .invalidName? = error else {
      Issue.record("\(name.debugDescription): \(String(describing: error))")
      return
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
  }

  @Test(arguments: [
    ("Logging", "Logging"), ("PluginProtocol", "PluginProtocol"), ("automtls", "AutoMTLS"), ("Traffic", "Traffic"),
    ("foundation", "Foundation"), ("grpccore", "GRPCCore"), ("NIOSSL", "NIOSSL"),
  ])
  func namesOfModulesInTheGraphAreRefusedByTheSwiftTemplate(_ name: String, _ clash: String) throws {
    let library = try ScaffoldFixtures.library()
    let parent = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(parent) }
    let error = ScaffoldFixtures.error {
      _ = try Scaffolder(library: library).generate(
        template: library.lookup(name: "kv", language: "swift"), name: name, into: parent)
    }
    #expect(error == .reservedName(name, template: "kv (swift)", clashesWith: clash))
    #expect(error?.description.contains("module names must be unique") == true)
  }

  /// The plugin's graph holds the PluginProtocol package's modules (not plugin-dev's own): each is
  /// reserved, and plugin-dev's CLI modules are not.
  @Test func theSwiftTemplateReservesTheModulesOfThePluginProtocolPackage() throws {
    let library = try ScaffoldFixtures.library()
    let template = try library.lookup(name: "kv", language: "swift")
    let manifest = try String(
      contentsOf: library.packageRoot.appendingPathComponent("PluginProtocol/Package.swift"), encoding: .utf8)
    let targets = manifest.matches(of: try Regex(#"\.target\(\s*name:\s*"([^"]+)""#)).compactMap {
      $0.output[1].substring.map(String.init)
    }
    #expect(Set(targets) == ["PluginProtocol", "AutoMTLS", "Relay", "Traffic"])
    let reserved = Set(template.manifest.reservedNames)
    #expect(reserved.isSuperset(of: targets), "not reserved: \(Set(targets).subtracting(reserved).sorted())")
    #expect(reserved.isDisjoint(with: ["plugin-dev", "WireTap", "PluginHost", "TerminalUI", "Scaffold", "Mustache"]))
  }

  @Test func unknownOrInvalidVariablesAreRefused() throws {
    let (scaffolder, template) = try Self.python()
    let parent = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(parent) }
    let unknown = ScaffoldFixtures.error {
      _ = try scaffolder.generate(template: template, name: "kv", into: parent, variables: ["cookie": "x"])
    }
    #expect(
      unknown
        == .unknownVariable(
          "cookie", template: "kv (python)", known: ["magicCookieKey", "magicCookieValue", "protocolVersion"]))
    let invalid = ScaffoldFixtures.error {
      _ = try scaffolder.generate(template: template, name: "kv", into: parent, variables: ["magicCookieValue": "a\"b"])
    }
    #expect(invalid == .invalidVariableValue("magicCookieValue", value: "a\"b", pattern: "[A-Za-z0-9_.:+-]+"))
    let builtIn = ScaffoldFixtures.error {
      _ = try scaffolder.generate(template: template, name: "kv", into: parent, variables: ["name": "x"])
    }
    guard case .unknownVariable("name", _, _)? = builtIn else {
      Issue.record("built-in variables cannot be overridden: \(String(describing: builtIn))")
      return
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
  }

  /// Where a line break is put into a variable's (valid) default value.
  enum LineBreak: String, CaseIterable, Sendable {
    case trailing, trailingCRLF, leading, embedded, alone

    func apply(to value: String) -> String {
      switch self {
      case .trailing: value + "\n"
      case .trailingCRLF: value + "\r\n"
      case .leading: "\n" + value
      case .embedded: String(value.prefix(1)) + "\n" + value.dropFirst()
      case .alone: "\n"
      }
    }
  }

  /// `--set magicCookieValue=$'hello\n'` used to pass `^…$` and break plugin.py and plugin.json.
  @Test(arguments: ["magicCookieKey", "magicCookieValue", "protocolVersion"], LineBreak.allCases)
  func valuesWithLineBreaksAreRefused(_ variable: String, _ lineBreak: LineBreak) throws {
    let (scaffolder, template) = try Self.python()
    let declared = try #require(template.manifest.variables[variable])
    let pattern = try #require(declared.pattern)
    let value = lineBreak.apply(to: declared.defaultValue)
    let parent = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(parent) }
    let error = ScaffoldFixtures.error {
      _ = try scaffolder.generate(template: template, name: "kv", into: parent, variables: [variable: value])
    }
    #expect(error == .invalidVariableValue(variable, value: value, pattern: pattern))
    let message = error?.description ?? ""
    #expect(message.contains(variable) && message.contains(pattern), "\(message)")
    #expect(message.contains(value.debugDescription), "the value is shown with its line break escaped: \(message)")
    #expect(message.contains("line break") && message.contains("--set \(variable)=VALUE"), "\(message)")
    #expect(!message.contains(value), "no raw line break in the message: \(message)")
    #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
  }

  @Test func templatesWithLinksAreRefused() throws {
    let root = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(root) }
    try ScaffoldFixtures.makeTemplate(in: root)
    try FileManager.default.createSymbolicLink(
      at: root.appendingPathComponent("t-python/passwd"), withDestinationURL: URL(fileURLWithPath: "/etc/passwd"))
    let template = try TemplateLibrary.load(root: root).templates[0]
    let error = ScaffoldFixtures.error { _ = try template.files() }
    #expect(
      error == .templateFileUnsupported(root.appendingPathComponent("t-python/passwd").path, kind: "symbolic link"))
  }
}
