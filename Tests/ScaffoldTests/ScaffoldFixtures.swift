import Foundation
import Testing

@testable import Scaffold

/// Shared helpers: the repository's Templates folder and throwaway folders.
enum ScaffoldFixtures {
  /// `…/Tests/ScaffoldTests/ScaffoldFixtures.swift` → `…/Templates`.
  static let templatesRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Templates", isDirectory: true)

  /// The repository's template library.
  static func library() throws -> TemplateLibrary {
    try TemplateLibrary.load(root: templatesRoot)
  }

  /// A new empty folder under the system's temporary folder (symlinks resolved).
  static func temporaryFolder(_ label: String = "scaffold") throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("\(label)-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url.resolvingSymlinksInPath()
  }

  /// Removes a folder made by `temporaryFolder`.
  static func remove(_ url: URL) {
    try? FileManager.default.removeItem(at: url)
  }

  /// Writes `text` to `folder/relativePath`, creating folders.
  static func write(_ text: String, to relativePath: String, in folder: URL) throws {
    let url = folder.appendingPathComponent(relativePath)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
  }

  /// Reads `folder/relativePath` as text.
  static func read(_ relativePath: String, in folder: URL) throws -> String {
    try String(contentsOf: folder.appendingPathComponent(relativePath), encoding: .utf8)
  }

  /// Every regular file below `folder`, relative, sorted.
  static func files(in folder: URL) -> [String] {
    guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { return [] }
    var result: [String] = []
    while let path = enumerator.nextObject() as? String {
      var isFolder: ObjCBool = false
      if FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &isFolder),
        !isFolder.boolValue
      {
        result.append(path)
      }
    }
    return result.sorted()
  }

  /// A minimal valid template folder `name` inside `root`, with the given files.
  static func makeTemplate(
    in root: URL, folder: String = "t-python", manifest: String? = nil,
    files: [String: String] = ["README.md": "# {{name}}\n"]
  ) throws {
    let json =
      manifest
      ?? #"{"name": "t", "language": "python", "description": "test template", "nextSteps": ["plugin-dev run {{pluginPath}}"]}"#
    try write(json, to: "\(folder)/template.json", in: root)
    for (path, text) in files { try write(text, to: "\(folder)/\(path)", in: root) }
  }

  /// The error `body` throws, as a `ScaffoldError` (nil when it does not throw one).
  static func error(_ body: () throws -> Void) -> ScaffoldError? {
    do {
      try body()
      return nil
    } catch let error as ScaffoldError {
      return error
    } catch {
      Issue.record("unexpected error \(error)")
      return nil
    }
  }
}
