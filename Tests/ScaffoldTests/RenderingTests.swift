import Foundation
import Testing

@testable import Scaffold

@Suite("Rendering")
struct RenderingTests {
  /// Per language: files every generated plugin must have, besides plugin.json, README.md and .gitignore.
  static let expectedFiles: [String: [String]] = [
    "python": [
      "plugin.py", "goplugin.py", "build.sh", "requirements.txt", "protos/kv.proto",
      "protos/plugin/grpc_controller.proto",
      "protos/plugin/grpc_stdio.proto",
    ],
    "swift": ["Package.swift", "Sources/my-kv/main.swift", "Sources/my-kv/MyKvStore.swift"],
    "go": ["go.mod", "main.go", "store.go", "proto/kv.proto", "proto/kv.pb.go", "proto/kv_grpc.pb.go"],
  ]

  @Test(arguments: ["python", "swift", "go"])
  func rendersEveryTemplateCompletely(_ language: String) throws {
    let library = try ScaffoldFixtures.library()
    let template = try library.lookup(name: "kv", language: language)
    let parent = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(parent) }

    let result = try Scaffolder(library: library).generate(template: template, name: "my-kv", into: parent)
    let folder = parent.appendingPathComponent("my-kv")
    #expect(result.folder == folder)
    #expect(result.files == ScaffoldFixtures.files(in: folder))
    let expected = ["plugin.json", "README.md", ".gitignore"] + (Self.expectedFiles[language] ?? [])
    for file in expected {
      #expect(result.files.contains(file), "\(language): \(file) missing from \(result.files)")
    }
    #expect(result.warnings.isEmpty, "\(result.warnings)")

    for file in result.files {
      let text = try ScaffoldFixtures.read(file, in: folder)
      #expect(!text.contains("{{"), "\(language): \(file) still holds a mustache tag")
      #expect(
        !text.contains("&#39;") && !text.contains("&quot;") && !text.contains("&amp;"), "\(file) was HTML-escaped")
    }
    let readme = try ScaffoldFixtures.read("README.md", in: folder)
    #expect(readme.hasPrefix("# my-kv\n"))
    #expect(readme.contains("plugin-dev run ./my-kv"))
    #expect(readme.contains("KV_PLUGIN=\"exec "))
    #expect(result.nextSteps.first?.hasPrefix("plugin-dev run ./my-kv") == true)
  }

  @Test(arguments: ["python", "swift", "go"])
  func pluginJSONHasWhatRunNeeds(_ language: String) throws {
    let library = try ScaffoldFixtures.library()
    let parent = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(parent) }
    _ = try Scaffolder(library: library).generate(
      template: library.lookup(name: "kv", language: language), name: "kv-plugin", into: parent)
    let data = try Data(contentsOf: parent.appendingPathComponent("kv-plugin/plugin.json"))
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    #expect(json["name"] as? String == "kv-plugin")
    #expect((json["description"] as? String)?.isEmpty == false)
    #expect(json["build"] is String || json["build"] is [String])
    let command = try #require(json["command"] as? [String])
    #expect(!command.isEmpty)
    if let environment = json["environment"] {
      #expect(environment is [String: String])
    }
    let handshake = try #require(json["handshake"] as? [String: Any])
    #expect(handshake["protocolVersions"] as? [Int] == [1])
    #expect(handshake["magicCookieKey"] as? String == "BASIC_PLUGIN")
    #expect(handshake["magicCookieValue"] as? String == "hello")
    let known: Set<String> = [
      "name", "description", "build", "command", "environment", "handshake", "workingDirectory",
    ]
    #expect(Set(json.keys).isSubset(of: known), "\(json.keys)")

    switch language {
    case "python": #expect(command == [".venv/bin/python", "plugin.py"])
    case "swift": #expect(command == [".build/debug/kv-plugin"])
    default: #expect(command == ["./kv-plugin"])
    }
  }

  @Test func variablesReachCodeAndManifest() throws {
    let library = try ScaffoldFixtures.library()
    let parent = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(parent) }
    let overrides = ["magicCookieKey": "MY_COOKIE", "magicCookieValue": "s3cret", "protocolVersion": "7"]
    for language in ["python", "swift", "go"] {
      let name = "p-\(language)"
      _ = try Scaffolder(library: library).generate(
        template: library.lookup(name: "kv", language: language), name: name, into: parent, variables: overrides)
      let manifest = try ScaffoldFixtures.read("\(name)/plugin.json", in: parent)
      #expect(manifest.contains(#""protocolVersions": [7]"#))
      #expect(manifest.contains(#""magicCookieKey": "MY_COOKIE""#))
      #expect(manifest.contains(#""magicCookieValue": "s3cret""#))
    }
    let python = try ScaffoldFixtures.read("p-python/plugin.py", in: parent)
    #expect(python.contains(#"MAGIC_COOKIE_KEY = "MY_COOKIE""#))
    #expect(python.contains("SUPPORTED_APP_VERSIONS = (7,)"))
    #expect(python.contains(#"LOG_MODULE = "p-python""#))
    let swift = try ScaffoldFixtures.read("p-swift/Sources/p-swift/main.swift", in: parent)
    #expect(swift.contains(#"protocolVersions: [7], magicCookieKey: "MY_COOKIE", magicCookieValue: "s3cret""#))
    #expect(swift.contains("PSwiftStore(directory: directory)"))
    let go = try ScaffoldFixtures.read("p-go/main.go", in: parent)
    #expect(go.contains("ProtocolVersion:  7,"))
    #expect(go.contains(#""p-go/proto""#))
    #expect(try ScaffoldFixtures.read("p-go/go.mod", in: parent).hasPrefix("module p-go\n"))
  }

  /// The plugin depends on the PluginProtocol package alone, so its first build resolves and compiles
  /// what a plugin links, not plugin-dev's CLI, host and TUI.
  @Test func swiftPackageDependsOnThePluginProtocolPackageByPath() throws {
    let library = try ScaffoldFixtures.library()
    let parent = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(parent) }
    let result = try Scaffolder(library: library).generate(
      template: library.lookup(name: "kv", language: "swift"), name: "kv-plugin", into: parent)
    let manifest = try ScaffoldFixtures.read("kv-plugin/Package.swift", in: parent)
    #expect(manifest.hasPrefix("// swift-tools-version: 6.0\n"))
    #expect(manifest.contains(#"name: "kv-plugin""#))
    let path = library.packageRoot.appendingPathComponent("PluginProtocol").path
    #expect(manifest.contains(#".package(name: "plugin-protocol", path: "\#(path)")"#))
    #expect(manifest.contains(#".product(name: "PluginProtocol", package: "plugin-protocol")"#))
    #expect(!manifest.contains(#"package: "plugin-dev""#))
    #expect(FileManager.default.fileExists(atPath: path + "/Package.swift"))
    #expect(result.warnings.isEmpty, "\(result.warnings)")
  }

  @Test func verbatimAndExecutableFilesKeepTheirBytesAndModes() throws {
    let library = try ScaffoldFixtures.library()
    let parent = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(parent) }
    let template = try library.lookup(name: "kv", language: "python")
    _ = try Scaffolder(library: library).generate(template: template, name: "kv-plugin", into: parent)
    let folder = parent.appendingPathComponent("kv-plugin")
    for proto in ["kv.proto", "plugin/grpc_controller.proto", "plugin/grpc_stdio.proto"] {
      let original = try Data(contentsOf: library.packageRoot.appendingPathComponent("Protos/\(proto)"))
      #expect(try Data(contentsOf: folder.appendingPathComponent("protos/\(proto)")) == original, "\(proto)")
    }
    func mode(_ path: String) throws -> Int {
      let attributes = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(path).path)
      return (attributes[.posixPermissions] as? Int) ?? -1
    }
    let module = try Data(contentsOf: library.root.appendingPathComponent("kv-python/goplugin.py"))
    #expect(
      try Data(contentsOf: folder.appendingPathComponent("goplugin.py")) == module, "goplugin.py is copied verbatim")
    #expect(try mode("build.sh") == 0o755)
    #expect(try mode("plugin.py") == 0o755)
    #expect(try mode("goplugin.py") == 0o644)
    #expect(try mode("README.md") == 0o644)
    #expect(try mode("protos/kv.proto") == 0o644)
  }

  @Test func templateProtosAreCopiesOfTheProtosFolder() throws {
    let library = try ScaffoldFixtures.library()
    let copies = [
      ("kv-python/protos/kv.proto", "kv.proto"),
      ("kv-python/protos/plugin/grpc_controller.proto", "plugin/grpc_controller.proto"),
      ("kv-python/protos/plugin/grpc_stdio.proto", "plugin/grpc_stdio.proto"),
      ("kv-go/proto/kv.proto", "kv.proto"),
    ]
    for (copy, original) in copies {
      let copied = try Data(contentsOf: library.root.appendingPathComponent(copy))
      let source = try Data(contentsOf: library.packageRoot.appendingPathComponent("Protos/\(original)"))
      #expect(copied == source, "Templates/\(copy) differs from Protos/\(original); copy it again")
    }
  }

  @Test func rendersAsPlainTextWithoutHTMLEscaping() throws {
    let renderer = TemplateRenderer(variables: ["v": #"a&b<c>"d'e"#])
    #expect(try renderer.render("{{v}}|{{{v}}}|{{&v}}", file: "f") == #"a&b<c>"d'e|a&b<c>"d'e|a&b<c>"d'e"#)
  }

  @Test func keepsTextExactly() throws {
    let renderer = TemplateRenderer(variables: ["name": "kv"])
    let text = "#!/bin/sh\n\n  {{name}}  \n{{! a comment }}\nlast line without newline"
    #expect(try renderer.render(text, file: "f") == "#!/bin/sh\n\n  kv  \nlast line without newline")
    #expect(try renderer.render("{{name}}.swift", file: "f") == "kv.swift")
    #expect(try renderer.render("", file: "f") == "")
  }

  @Test func unknownVariablesAreErrorsWithTheirLine() throws {
    let renderer = TemplateRenderer(variables: ["name": "kv"])
    let error = ScaffoldFixtures.error { _ = try renderer.render("a\nb {{name}}\nc {{nmae}}\n", file: "/t/README.md") }
    #expect(error == .templateUsesUnknownVariable("/t/README.md", line: 3, variable: "nmae", known: ["name"]))
    #expect(error?.description.contains("/t/README.md, line 3: {{nmae}} is not a variable") == true)
    #expect(ScaffoldFixtures.error { _ = try renderer.render("{{#flag}}x{{/flag}}", file: "f") } != nil)
  }

  @Test func mustacheSyntaxErrorsNameFileAndLine() throws {
    let renderer = TemplateRenderer(variables: ["name": "kv"])
    let error = ScaffoldFixtures.error { _ = try renderer.render("one\ntwo {{#name}} never closed\n", file: "/t/x.py") }
    guard case .templateSyntax(let file, let line, _, let reason)? = error else {
      Issue.record("\(String(describing: error))")
      return
    }
    #expect(file == "/t/x.py")
    #expect(line >= 2)
    #expect(reason.contains("never closed"))
    #expect(error?.description.contains("\"verbatim\"") == true)
  }

  @Test func fileNamesAreRenderedAndChecked() throws {
    let root = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(root) }
    try ScaffoldFixtures.makeTemplate(
      in: root, files: ["src/{{typeName}}/{{moduleName}}.py": "print('{{name}}')\n", "README.md": "x"])
    let library = try TemplateLibrary.load(root: root)
    let parent = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(parent) }
    let result = try Scaffolder(pluginDevPath: root).generate(
      template: library.templates[0], name: "my-kv", into: parent)
    #expect(result.files == ["README.md", "src/MyKv/my_kv.py"])
    #expect(try ScaffoldFixtures.read("my-kv/src/MyKv/my_kv.py", in: parent) == "print('my-kv')\n")
  }

  @Test func aFileNameThatRendersToAPathIsRefused() throws {
    let root = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(root) }
    try ScaffoldFixtures.makeTemplate(in: root, files: ["{{pluginDevPath}}": "x"])
    let template = try TemplateLibrary.load(root: root).templates[0]
    let parent = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(parent) }
    let error = ScaffoldFixtures.error {
      _ = try Scaffolder(pluginDevPath: root).generate(template: template, name: "kv", into: parent)
    }
    guard case .badRenderedPath(_, _, let reason)? = error else {
      Issue.record("\(String(describing: error))")
      return
    }
    #expect(reason == "contains '/' or NUL")
    #expect(ScaffoldFixtures.files(in: parent).isEmpty)
  }

  @Test func binaryFilesMustBeDeclaredVerbatim() throws {
    let root = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(root) }
    try ScaffoldFixtures.makeTemplate(in: root)
    let bytes = Data([0xFF, 0xFE, 0x00, 0x7B, 0x7B])
    try bytes.write(to: root.appendingPathComponent("t-python/logo.bin"))
    let parent = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(parent) }
    let template = try TemplateLibrary.load(root: root).templates[0]
    let error = ScaffoldFixtures.error {
      _ = try Scaffolder(pluginDevPath: root).generate(template: template, name: "kv", into: parent)
    }
    #expect(error == .templateFileNotText(root.appendingPathComponent("t-python/logo.bin").path))

    let manifest =
      #"{"name": "t", "language": "python", "description": "d", "verbatim": ["logo.bin"], "nextSteps": ["x"]}"#
    try ScaffoldFixtures.write(manifest, to: "t-python/template.json", in: root)
    let verbatim = try TemplateLibrary.load(root: root).templates[0]
    _ = try Scaffolder(pluginDevPath: root).generate(template: verbatim, name: "kv", into: parent)
    #expect(try Data(contentsOf: parent.appendingPathComponent("kv/logo.bin")) == bytes)
  }

  @Test func listedFilesMustExist() throws {
    let root = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(root) }
    let manifest =
      #"{"name": "t", "language": "python", "description": "d", "files": ["README.md", "gone.txt"], "nextSteps": ["x"]}"#
    try ScaffoldFixtures.makeTemplate(in: root, manifest: manifest)
    let template = try TemplateLibrary.load(root: root).templates[0]
    let error = ScaffoldFixtures.error { _ = try template.files() }
    #expect(error == .templateFileMissing(root.appendingPathComponent("t-python/gone.txt").path, listedIn: "files"))
  }

  @Test func warnsWhenThePathDependencyIsNotPluginDev() throws {
    let library = try ScaffoldFixtures.library()
    let parent = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(parent) }
    let result = try Scaffolder(pluginDevPath: parent).generate(
      template: library.lookup(name: "kv", language: "swift"), name: "kv-plugin", into: parent)
    #expect(result.warnings.count == 1)
    #expect(result.warnings.first?.contains("has no PluginProtocol/Package.swift") == true)
  }
}
