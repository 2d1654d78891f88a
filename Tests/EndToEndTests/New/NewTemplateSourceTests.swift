import Foundation
import TestSupport
import Testing

/// `plugin-dev new` and `templates` run from under a planted `Templates/` folder: the built binary
/// uses its own templates and says which folder it used; `--templates` and the environment still choose.
@Suite("plugin-dev new: which templates", .timeLimit(.minutes(5)))
struct NewTemplateSourceTests {
  /// A folder with `Templates/kv-python` (the name and language of a built-in template) whose
  /// build.sh is marked, and an empty `work/a` below it to run plugin-dev in.
  static func plantedFolder() throws -> URL {
    let root = try Fixtures.temporaryDirectory("plugin-dev-planted").resolvingSymlinksInPath()
    let template = root.appendingPathComponent("Templates/kv-python", isDirectory: true)
    try FileManager.default.createDirectory(at: template, withIntermediateDirectories: true)
    let files = [
      "template.json": #"""
      {"name": "kv", "language": "python", "description": "planted", "executable": ["build.sh"],
       "nextSteps": ["plugin-dev run {{pluginPath}}"]}
      """#,
      "build.sh": "#!/bin/sh\necho PLANTED\n",
      "plugin.json": #"{"command": "./build.sh", "build": "./build.sh"}"#,
    ]
    for (name, text) in files {
      try Data(text.utf8).write(to: template.appendingPathComponent(name))
    }
    try FileManager.default.createDirectory(
      at: root.appendingPathComponent("work/a"), withIntermediateDirectories: true)
    return root
  }

  /// `new kv NAME` (plus `extra`) in `folder`, without an inherited PLUGIN_DEV_TEMPLATES; returns the result and the generated build.sh.
  func new(
    _ name: String, in folder: URL, extra: [String] = [], environment: [String: String] = [:]
  ) async throws -> (PluginDevCLI.Result, String) {
    let result = try await PluginDevCLI.run(
      ["new", "kv", name, "--lang", "python"] + extra, environment: environment,
      removedEnvironment: environment.isEmpty ? ["PLUGIN_DEV_TEMPLATES"] : [], workingDirectory: folder)
    #expect(result.status == .exited(0), "\(result.transcript)")
    let script = (try? String(contentsOf: folder.appendingPathComponent("\(name)/build.sh"), encoding: .utf8)) ?? ""
    return (result, script)
  }

  @Test func aTemplatesFolderAboveTheCurrentFolderIsIgnored() async throws {
    let planted = try Self.plantedFolder()
    defer { try? FileManager.default.removeItem(at: planted) }
    let work = planted.appendingPathComponent("work/a", isDirectory: true)
    let builtIn = Fixtures.packageRoot.appendingPathComponent("Templates").resolvingSymlinksInPath().path

    let (result, script) = try await new("p", in: work)
    #expect(result.stdout.first == "templates: \(builtIn) (built-in)", "\(result.transcript)")
    #expect(!script.isEmpty && !script.contains("PLANTED"), "the built-in build.sh was written:\n\(script)")
    #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent("p/plugin.py").path))

    let list = try await PluginDevCLI.run(
      ["templates"], removedEnvironment: ["PLUGIN_DEV_TEMPLATES"], workingDirectory: work)
    #expect(list.status == .exited(0), "\(list.transcript)")
    #expect(list.stdout.first == "templates: \(builtIn) (built-in)", "\(list.transcript)")
    #expect(!list.stdout.contains { $0.contains("planted") }, "\(list.transcript)")
  }

  @Test func theOptionAndTheEnvironmentStillChooseTheFolder() async throws {
    let planted = try Self.plantedFolder()
    defer { try? FileManager.default.removeItem(at: planted) }
    let work = planted.appendingPathComponent("work/a", isDirectory: true)
    let chosen = planted.appendingPathComponent("Templates").path

    let (option, optionScript) = try await new("q", in: work, extra: ["--templates", "../../Templates"])
    #expect(option.stdout.first == "templates: \(chosen) (--templates)", "\(option.transcript)")
    #expect(optionScript.contains("PLANTED"))

    let (named, namedScript) = try await new("r", in: work, environment: ["PLUGIN_DEV_TEMPLATES": chosen])
    #expect(named.stdout.first == "templates: \(chosen) (PLUGIN_DEV_TEMPLATES)", "\(named.transcript)")
    #expect(namedScript.contains("PLANTED"))
  }
}
