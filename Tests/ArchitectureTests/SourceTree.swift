import Foundation

/// The package's source files, read from disk (no module of the package is built for these tests).
enum SourceTree {
  /// The package root (this file is `Tests/ArchitectureTests/SourceTree.swift`).
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  /// Folders holding one target each: `Sources/<Target>`, `Examples/kv-swift/Sources/<Target>`, and
  /// `PluginProtocol/Sources/<Target>` (the package a Swift plugin links).
  static let targetFolders = ["Sources", "Examples/kv-swift/Sources", "PluginProtocol/Sources"]

  /// The library code: the folders whose files the size and platform rules hold.
  static let sourceFolders = ["Sources", "PluginProtocol/Sources"]

  /// Target name → its folder, relative to the root.
  static func targets() throws -> [String: String] {
    var targets: [String: String] = [:]
    for parent in targetFolders {
      let names = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(parent).path)
      for name in names where !name.hasPrefix(".") {
        var isDirectory: ObjCBool = false
        let path = parent + "/" + name
        if FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path, isDirectory: &isDirectory),
          isDirectory.boolValue
        {
          targets[name] = path
        }
      }
    }
    return targets
  }

  /// Every `.swift` file below `folder` (relative to the root), as relative paths, sorted.
  static func swiftFiles(in folder: String) -> [String] {
    let base = root.appendingPathComponent(folder)
    guard let enumerator = FileManager.default.enumerator(atPath: base.path) else { return [] }
    var files: [String] = []
    while let relative = enumerator.nextObject() as? String {
      if relative.hasSuffix(".swift") { files.append(folder + "/" + relative) }
    }
    return files.sorted()
  }

  /// A file's text.
  static func text(_ path: String) throws -> String {
    try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
  }

  /// The modules a file imports, with `path:line`: `import X`, `@testable import X`,
  /// `public import X`, `import struct X.Y`, inside `#if` blocks too.
  static func imports(of text: String, path: String) -> [(name: String, location: String)] {
    let modifiers: Set<String> = [
      "@testable", "@_exported", "@preconcurrency", "@_implementationOnly", "public", "package", "internal",
      "fileprivate", "private",
    ]
    let kinds: Set<String> = ["struct", "class", "enum", "protocol", "typealias", "func", "var", "let", "actor"]
    var found: [(name: String, location: String)] = []
    for (index, line) in text.components(separatedBy: "\n").enumerated() {
      var words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)[...]
      while let first = words.first, modifiers.contains(first) { words = words.dropFirst() }
      guard words.first == "import", words.count >= 2 else { continue }
      words = words.dropFirst()
      if let kind = words.first, kinds.contains(kind) { words = words.dropFirst() }
      guard let spec = words.first, let module = spec.split(separator: ".").first else { continue }
      found.append((String(module), "\(path):\(index + 1)"))
    }
    return found
  }
}
