import Foundation
import Testing

@testable import Scaffold

@Suite("TemplateLibrary")
struct TemplateLibraryTests {
  @Test func loadsTheShippedTemplates() throws {
    let library = try ScaffoldFixtures.library()
    #expect(library.names == ["kv"])
    #expect(library.templates.map(\.language) == ["go", "python", "swift"])
    #expect(library.templates.map(\.folder.lastPathComponent) == ["kv-go", "kv-python", "kv-swift"])
    #expect(FileManager.default.fileExists(atPath: library.packageRoot.appendingPathComponent("Package.swift").path))
  }

  @Test(arguments: ["python", "swift", "go", "PYTHON"])
  func looksUpByNameAndLanguage(_ language: String) throws {
    let template = try ScaffoldFixtures.library().lookup(name: "kv", language: language)
    #expect(template.language == language.lowercased())
  }

  @Test func unknownTemplateListsTheValidOnes() throws {
    let error = ScaffoldFixtures.error { _ = try ScaffoldFixtures.library().lookup(name: "kvv", language: "python") }
    #expect(error == .unknownTemplate("kvv", available: ["kv"]))
    #expect(error?.description.contains("Available: kv.") == true)
  }

  @Test func unknownLanguageListsTheValidOnes() throws {
    let error = ScaffoldFixtures.error { _ = try ScaffoldFixtures.library().lookup(name: "kv", language: "rust") }
    #expect(error == .unknownLanguage(template: "kv", language: "rust", available: ["go", "python", "swift"]))
    #expect(error?.description.contains("Available languages: go, python, swift") == true)
    #expect(error?.description.contains("--lang") == true)
  }

  @Test func noLanguageIsOnlyFineWhenThereIsOne() throws {
    let error = ScaffoldFixtures.error { _ = try ScaffoldFixtures.library().lookup(name: "kv", language: nil) }
    #expect(error == .languageRequired(template: "kv", available: ["go", "python", "swift"]))
  }

  @Test func explicitRootWinsOverTheEnvironment() throws {
    let root = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(root) }
    try ScaffoldFixtures.makeTemplate(in: root)
    let library = try TemplateLibrary.discover(
      explicitRoot: root, environment: [TemplateLibrary.environmentVariable: "/nonexistent"], executable: nil,
      currentDirectory: root)
    #expect(library.root == root)
    #expect(library.templates.map(\.name) == ["t"])
  }

  @Test func environmentVariableIsUsedAndCheckedRelativeToTheCurrentDirectory() throws {
    let root = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(root) }
    try ScaffoldFixtures.makeTemplate(in: root.appendingPathComponent("mine"))
    let library = try TemplateLibrary.discover(
      environment: [TemplateLibrary.environmentVariable: "mine"], executable: nil, currentDirectory: root)
    #expect(library.root.lastPathComponent == "mine")

    let error = ScaffoldFixtures.error {
      _ = try TemplateLibrary.discover(
        environment: [TemplateLibrary.environmentVariable: "missing"], executable: nil, currentDirectory: root)
    }
    guard case .templatesRootInvalid(_, let source, let reason)? = error else {
      Issue.record("\(String(describing: error))")
      return
    }
    #expect(source == TemplateLibrary.environmentVariable)
    #expect(reason == "it does not exist")
  }

  @Test func explicitRootProblemsAreExplained() throws {
    let root = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(root) }
    try ScaffoldFixtures.makeTemplate(in: root)
    try ScaffoldFixtures.write("x", to: "file.txt", in: root)
    let cases: [(URL, String)] = [
      (root.appendingPathComponent("file.txt"), "it is not a folder"),
      (root.appendingPathComponent("t-python"), "it is a single template folder; give the folder that contains it"),
      (root.appendingPathComponent("t-python/empty-sub"), "it does not exist"),
    ]
    for (url, reason) in cases {
      let error = ScaffoldFixtures.error { _ = try TemplateLibrary.discover(explicitRoot: url, executable: nil) }
      #expect(error == .templatesRootInvalid(url.path, source: "--templates", reason: reason))
      #expect(error?.description.contains("--templates names \(url.path)") == true)
    }
    let empty = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(empty) }
    let error = ScaffoldFixtures.error { _ = try TemplateLibrary.discover(explicitRoot: empty, executable: nil) }
    #expect(error?.description.contains("holds no template folder") == true)
  }

  @Test func findsTemplatesAboveTheExecutable() throws {
    let root = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(root) }
    try ScaffoldFixtures.makeTemplate(in: root.appendingPathComponent("Templates"))
    try ScaffoldFixtures.write("", to: ".build/debug/plugin-dev", in: root)
    // A Templates folder without templates (like ~/Templates on a Linux desktop) is skipped.
    try FileManager.default.createDirectory(
      at: root.appendingPathComponent(".build/Templates/empty"), withIntermediateDirectories: true)
    let elsewhere = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(elsewhere) }
    let library = try TemplateLibrary.discover(
      environment: [:], executable: root.appendingPathComponent(".build/debug/plugin-dev"), currentDirectory: elsewhere)
    #expect(library.root == root.appendingPathComponent("Templates"))
    #expect(library.packageRoot == root)
    #expect(library.source == .builtIn)
  }

  /// A folder holding a planted `Templates/kv-python` (the name and language of a built-in template),
  /// as anyone could make `/tmp/Templates`, and an empty `a/b/c` below it.
  static func plantedFolder() throws -> URL {
    let root = try ScaffoldFixtures.temporaryFolder("planted")
    try ScaffoldFixtures.makeTemplate(
      in: root.appendingPathComponent("Templates"), folder: "kv-python",
      manifest:
        #"{"name": "kv", "language": "python", "description": "planted", "executable": ["build.sh"], "nextSteps": ["plugin-dev run {{pluginPath}}"]}"#,
      files: ["build.sh": "#!/bin/sh\necho planted\n", "plugin.json": #"{"command": "./build.sh"}"#])
    try FileManager.default.createDirectory(at: root.appendingPathComponent("a/b/c"), withIntermediateDirectories: true)
    return root
  }

  /// Working directories under (and at) a planted Templates folder, relative to the planted folder.
  static let workingDirectories = ["", "a/b/c", "Templates", "Templates/kv-python"]

  @Test(arguments: workingDirectories)
  func neverUsesTemplatesFoundFromTheCurrentDirectory(_ relative: String) throws {
    let planted = try Self.plantedFolder()
    defer { ScaffoldFixtures.remove(planted) }
    let currentDirectory = relative.isEmpty ? planted : planted.appendingPathComponent(relative, isDirectory: true)
    let library = try TemplateLibrary.discover(environment: [:], executable: nil, currentDirectory: currentDirectory)
    #expect(library.root == ScaffoldFixtures.templatesRoot.resolvingSymlinksInPath())
    #expect(library.source == .builtIn)
    #expect(library.origin == "\(library.root.path) (built-in)")
    let template = try library.lookup(name: "kv", language: "python")
    #expect(template.description != "planted")
    #expect(!template.folder.path.hasPrefix(planted.path))
  }

  @Test(arguments: workingDirectories)
  func withoutBuiltInTemplatesTheCurrentDirectoryIsStillNotSearched(_ relative: String) throws {
    let planted = try Self.plantedFolder()
    defer { ScaffoldFixtures.remove(planted) }
    let currentDirectory = relative.isEmpty ? planted : planted.appendingPathComponent(relative, isDirectory: true)
    let error = ScaffoldFixtures.error {
      _ = try TemplateLibrary.discover(
        explicitRoot: nil, environment: [:], executable: nil, currentDirectory: currentDirectory, sourceTemplates: nil)
    }
    #expect(error == .templatesNotFound(searched: []))
    #expect(error?.description.contains("--templates DIR") == true)
    #expect(error?.description.contains("never used") == true)
  }

  @Test func theExecutablesTemplatesWinOverAPlantedCurrentDirectory() throws {
    let planted = try Self.plantedFolder()
    defer { ScaffoldFixtures.remove(planted) }
    let install = try ScaffoldFixtures.temporaryFolder("install")
    defer { ScaffoldFixtures.remove(install) }
    try ScaffoldFixtures.makeTemplate(in: install.appendingPathComponent("Templates"))
    try ScaffoldFixtures.write("", to: "bin/plugin-dev", in: install)
    let library = try TemplateLibrary.discover(
      explicitRoot: nil, environment: [:], executable: install.appendingPathComponent("bin/plugin-dev"),
      currentDirectory: planted.appendingPathComponent("a/b/c"), sourceTemplates: nil)
    #expect(library.root == install.appendingPathComponent("Templates"))
    #expect(library.source == .builtIn)
  }

  @Test func theSearchStaysWithTheExecutableAndTheSourceTree() {
    let source = URL(fileURLWithPath: "/src/plugin-dev/Templates", isDirectory: true)
    let candidates = TemplateLibrary.builtInCandidates(
      executable: URL(fileURLWithPath: "/opt/plugin-dev/bin/plugin-dev"), sourceTemplates: source)
    #expect(
      candidates.map(\.path) == [
        "/opt/plugin-dev/bin/Templates", "/opt/plugin-dev/Templates", "/opt/Templates", "/Templates",
        "/src/plugin-dev/Templates",
      ])
  }

  @Test func templatesOptionAndEnvironmentStillChooseAnyFolder() throws {
    let planted = try Self.plantedFolder()
    defer { ScaffoldFixtures.remove(planted) }
    let folder = planted.appendingPathComponent("Templates", isDirectory: true)
    let chosen = try TemplateLibrary.discover(
      explicitRoot: folder, environment: [:], executable: nil, currentDirectory: planted)
    #expect(chosen.root == folder)
    #expect(chosen.source == .option)
    #expect(chosen.origin == "\(folder.path) (--templates)")
    #expect(try chosen.lookup(name: "kv", language: "python").description == "planted")

    let named = try TemplateLibrary.discover(
      environment: [TemplateLibrary.environmentVariable: "Templates"], executable: nil, currentDirectory: planted)
    #expect(named.root == folder)
    #expect(named.source == .environment)
    #expect(named.origin == "\(folder.path) (PLUGIN_DEV_TEMPLATES)")
  }

  @Test func fallsBackToTheSourceTreesTemplates() throws {
    let nowhere = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(nowhere) }
    let library = try TemplateLibrary.discover(environment: [:], executable: nil, currentDirectory: nowhere)
    #expect(library.root == ScaffoldFixtures.templatesRoot.resolvingSymlinksInPath())
    #expect(library.source == .builtIn)
  }

  @Test func duplicateTemplatesAreRefused() throws {
    let root = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(root) }
    try ScaffoldFixtures.makeTemplate(in: root, folder: "a")
    try ScaffoldFixtures.makeTemplate(in: root, folder: "b")
    let error = ScaffoldFixtures.error { _ = try TemplateLibrary.load(root: root) }
    #expect(
      error
        == .duplicateTemplate(
          name: "t", language: "python",
          folders: [root.appendingPathComponent("a").path, root.appendingPathComponent("b").path]))
  }

  @Test func aBrokenManifestNamesItsFile() throws {
    let root = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(root) }
    try ScaffoldFixtures.makeTemplate(in: root, manifest: #"{"name": "t", "language": "python"}"#)
    let error = ScaffoldFixtures.error { _ = try TemplateLibrary.load(root: root) }
    let file = root.appendingPathComponent("t-python/template.json").path
    #expect(error == .manifestInvalid(file, problem: #"the field "description" is missing"#))
  }
}
