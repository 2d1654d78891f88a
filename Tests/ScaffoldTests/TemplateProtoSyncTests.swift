import Foundation
import Testing

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
