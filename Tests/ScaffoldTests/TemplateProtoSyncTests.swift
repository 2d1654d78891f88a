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

/// Examples/kv-python/plugin.py and the Python template's plugin.py are copies on purpose (each
/// stands alone); everything from the version constants down must stay the same once the template
/// is rendered with the example's name, cookie and version.
@Suite("Python plugin copies")
struct PythonPluginSyncTests {
  /// The text from `SUPPORTED_APP_VERSIONS` to the end: the plugin's code, below its docstring and imports.
  static func body(_ text: String) throws -> Substring {
    let start = try #require(text.range(of: "\nSUPPORTED_APP_VERSIONS = "), "no SUPPORTED_APP_VERSIONS line")
    return text[start.lowerBound...]
  }

  @Test func templateCodeMatchesTheExample() throws {
    let library = try ScaffoldFixtures.library()
    let template = try library.lookup(name: "kv", language: "python")
    let parent = try ScaffoldFixtures.temporaryFolder()
    defer { ScaffoldFixtures.remove(parent) }
    _ = try Scaffolder(library: library).generate(template: template, name: "kv-python", into: parent)
    let rendered = try ScaffoldFixtures.read("plugin.py", in: parent.appendingPathComponent("kv-python"))
    let example = try String(
      contentsOf: TemplateProtoSyncTests.root.appendingPathComponent("Examples/kv-python/plugin.py"), encoding: .utf8)
    let (a, b) = (try Self.body(rendered), try Self.body(example))
    if a != b {
      let (x, y) = (a.split(separator: "\n", omittingEmptySubsequences: false), b.split(separator: "\n", omittingEmptySubsequences: false))
      let first = zip(x, y).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(x.count, y.count)
      Issue.record("""
        Templates/kv-python/plugin.py and Examples/kv-python/plugin.py differ in their code, \
        first at the body's line \(first + 1):
          template: \(first < x.count ? String(x[first]) : "<end>")
          example:  \(first < y.count ? String(y[first]) : "<end>")
        """)
    }
  }
}
