import Foundation
import Testing

@testable import Scaffold

/// The templates carry their own copies of the protos (a generated plugin must stand alone);
/// they must stay identical to the ones in Protos/ that the Swift code is generated from.
@Suite("Template protos")
struct TemplateProtoSyncTests {
  static let root: URL = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url
  }()

  @Test func copiesMatchProtos() throws {
    let protos = Self.root.appendingPathComponent("Protos")
    let templates = Self.root.appendingPathComponent("Templates")
    var compared = 0
    let enumerator = FileManager.default.enumerator(at: templates, includingPropertiesForKeys: nil)
    while let url = enumerator?.nextObject() as? URL {
      guard url.pathExtension == "proto" else { continue }
      // Templates/<template>/<protos|proto>/<relative path>
      let parts = url.path.dropFirst(templates.path.count + 1).split(separator: "/")
      guard parts.count >= 3 else { continue }
      let relative = parts.dropFirst(2).joined(separator: "/")
      let original = protos.appendingPathComponent(relative)
      guard FileManager.default.fileExists(atPath: original.path) else { continue }
      #expect(try Data(contentsOf: url) == Data(contentsOf: original), "\(url.path) differs from Protos/\(relative)")
      compared += 1
    }
    #expect(compared >= 4, "expected the kv, controller and stdio protos in the templates, compared \(compared)")
  }
}

/// The Python plugins share one go-plugin module, kept once: Templates/kv-python/goplugin.py,
/// which `plugin-dev new` writes verbatim into every Python plugin; the examples link to it (and the
/// fixture plugins import the example's). The template's plugin.py, rendered with the example's
/// name, cookie and version, is the example's plugin.py.
@Suite("Python plugin copies")
struct PythonPluginSyncTests {
  static let example = TemplateProtoSyncTests.root.appendingPathComponent("Examples/kv-python")

  /// The first line (1-based) where `a` and `b` differ, with both lines (`<end>` past the last one);
  /// nil when they are equal.
  static func firstDifference(_ a: String, _ b: String) -> (line: Int, a: String, b: String)? {
    // Bytes, not String ==, which would equate different Unicode normalisations.
    guard !a.utf8.elementsEqual(b.utf8) else { return nil }
    let (x, y) = (
      a.split(separator: "\n", omittingEmptySubsequences: false),
      b.split(separator: "\n", omittingEmptySubsequences: false)
    )
    let index =
      zip(x, y).enumerated().first { !$0.element.0.utf8.elementsEqual($0.element.1.utf8) }?.offset
      ?? min(x.count, y.count)
    func line(_ lines: [Substring]) -> String { index < lines.count ? String(lines[index]) : "<end>" }
    return (index + 1, line(x), line(y))
  }

  /// Records an issue naming the first differing line unless `copy` equals `original`.
  static func expectSame(
    _ copy: String, named copyName: String, as original: String, named originalName: String, fix: String
  ) {
    guard let difference = firstDifference(copy, original) else { return }
    Issue.record(
      """
      \(copyName) differs from \(originalName), first at line \(difference.line):
        \(copyName): \(difference.a)
        \(originalName): \(difference.b)
      \(fix)
      """)
  }

  static func generate(_ name: String) throws -> URL {
    let library = try ScaffoldFixtures.library()
    let parent = try ScaffoldFixtures.temporaryFolder()
    _ = try Scaffolder(library: library).generate(
      template: library.lookup(name: "kv", language: "python"), name: name, into: parent)
    return parent
  }

  /// One source: each example's goplugin.py is a link to the template's, not a copy that can drift.
  @Test(arguments: ["Examples/kv-python", "Examples/inventory-python"])
  func examplesLinkTheTemplatesModule(_ example: String) throws {
    let link = TemplateProtoSyncTests.root.appendingPathComponent("\(example)/goplugin.py").path
    let target = try FileManager.default.destinationOfSymbolicLink(atPath: link)
    #expect(target == "../../Templates/kv-python/goplugin.py", "\(link) must link to the template's module")
  }

  @Test func generatedPluginCarriesTheModuleUnchanged() throws {
    let parent = try Self.generate("kv-module")
    defer { ScaffoldFixtures.remove(parent) }
    let original = try String(contentsOf: Self.example.appendingPathComponent("goplugin.py"), encoding: .utf8)
    let written = try ScaffoldFixtures.read("kv-module/goplugin.py", in: parent)
    Self.expectSame(
      written, named: "goplugin.py of a new plugin", as: original, named: "Examples/kv-python/goplugin.py",
      fix: "A new plugin must get the module byte for byte: keep goplugin.py under \"verbatim\" in "
        + "Templates/kv-python/template.json.")
  }

  @Test func templatePluginRendersToTheExample() throws {
    let parent = try Self.generate("kv-python")
    defer { ScaffoldFixtures.remove(parent) }
    let rendered = try ScaffoldFixtures.read("kv-python/plugin.py", in: parent)
    let example = try String(contentsOf: Self.example.appendingPathComponent("plugin.py"), encoding: .utf8)
    Self.expectSame(
      rendered, named: "Templates/kv-python/plugin.py (rendered)", as: example, named: "Examples/kv-python/plugin.py",
      fix: "Make the same change in both; the template differs only by its {{name}}, cookie and version tags.")
  }

  @Test func firstDifferenceNamesTheLine() {
    func describe(_ a: String, _ b: String) -> String? {
      Self.firstDifference(a, b).map { "\($0.line): \($0.a) | \($0.b)" }
    }
    #expect(describe("a\nb\nc", "a\nb\nc") == nil)
    #expect(describe("a\nb\nc", "a\nx\nc") == "2: b | x")
    #expect(describe("a\nb", "a\nb\nc") == "3: <end> | c")
    #expect(describe("a\nb\n", "a\nb") == "3:  | <end>")
    #expect(describe("caf\u{E9}", "cafe\u{301}") == "1: caf\u{E9} | cafe\u{301}", "é composed or not: different bytes")
  }
}
