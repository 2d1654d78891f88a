import Foundation

/// One template: its folder and its checked manifest.
public struct Template: Sendable, Equatable {
  /// The template folder (e.g. `…/Templates/kv-python`).
  public let folder: URL
  /// The parsed `template.json`.
  public let manifest: TemplateManifest

  /// Template name, e.g. `kv`.
  public var name: String { manifest.name }
  /// Language of the generated plugin, e.g. `python`.
  public var language: String { manifest.language }
  /// One line about the template.
  public var description: String { manifest.description }

  /// Creates a template from a folder and its manifest.
  public init(folder: URL, manifest: TemplateManifest) {
    self.folder = folder
    self.manifest = manifest
  }

  /// Reads `template.json` in `folder`.
  public static func load(from folder: URL) throws(ScaffoldError) -> Template {
    let file = folder.appendingPathComponent(TemplateManifest.fileName)
    let data: Data
    do {
      data = try Data(contentsOf: file)
    } catch {
      throw .manifestUnreadable(file.path, reason: error.localizedDescription)
    }
    return Template(folder: folder, manifest: try TemplateManifest.parse(data, file: file.path))
  }

  /// The template's files as paths relative to its folder, sorted; `template.json` is never one of them.
  ///
  /// Throws when a listed file is missing or the folder holds a symbolic link or a special file.
  public func files() throws(ScaffoldError) -> [String] {
    let everything = try Self.regularFiles(in: folder, prefix: "")
      .filter { $0 != TemplateManifest.fileName }
    try requireMatches(manifest.verbatim, in: everything, list: "verbatim")
    try requireMatches(manifest.executable, in: everything, list: "executable")
    switch manifest.files {
    case .all:
      return everything
    case .listed(let entries):
      try requireMatches(entries, in: everything, list: "files")
      return everything.filter { Self.path($0, matchesAny: entries) }
    }
  }

  /// Whether `path` (relative to the folder) is copied byte for byte.
  public func isVerbatim(_ path: String) -> Bool { Self.path(path, matchesAny: manifest.verbatim) }

  /// Whether `path` (relative to the folder) is written with mode 0755.
  public func isExecutable(_ path: String) -> Bool { Self.path(path, matchesAny: manifest.executable) }

  private func requireMatches(_ entries: [String], in files: [String], list: String) throws(ScaffoldError) {
    for entry in entries where !files.contains(where: { Self.path($0, matchesAny: [entry]) }) {
      throw .templateFileMissing(folder.appendingPathComponent(entry).path, listedIn: list)
    }
  }

  /// An entry matches the path itself, or everything below it when it ends in `/`.
  static func path(_ path: String, matchesAny entries: [String]) -> Bool {
    entries.contains { entry in entry.hasSuffix("/") ? path.hasPrefix(entry) : path == entry }
  }

  /// Regular files below `folder`, recursively, as `prefix`-relative paths; links and special files are refused.
  private static func regularFiles(in folder: URL, prefix: String) throws(ScaffoldError) -> [String] {
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    } catch {
      throw .manifestUnreadable(folder.path, reason: error.localizedDescription)
    }
    var result: [String] = []
    for name in names {
      let url = folder.appendingPathComponent(name)
      let relative = prefix + name
      switch FileKind.of(url.path) {
      case .file: result.append(relative)
      case .folder: result += try regularFiles(in: url, prefix: relative + "/")
      case .missing: continue
      case .symlink: throw .templateFileUnsupported(url.path, kind: "symbolic link")
      case .other(let kind): throw .templateFileUnsupported(url.path, kind: kind)
      }
    }
    return result
  }
}
