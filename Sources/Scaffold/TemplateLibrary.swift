import Foundation

/// The templates in one `Templates` folder, and how that folder is found.
public struct TemplateLibrary: Sendable {
  /// Environment variable naming the templates folder.
  public static let environmentVariable = "PLUGIN_DEV_TEMPLATES"
  /// Name of the templates folder looked for next to the executable, the working directory and the sources.
  public static let folderName = "Templates"

  /// The templates folder, with symbolic links resolved.
  public let root: URL
  /// The templates, sorted by name, then language.
  public let templates: [Template]

  /// The plugin-dev package root: the folder holding `Templates/` (what `{{pluginDevPath}}` renders to).
  public var packageRoot: URL { root.deletingLastPathComponent() }

  /// Template names, sorted, each once.
  public var names: [String] { Array(Set(templates.map(\.name))).sorted() }

  /// Where this file was compiled from, for the last-resort search (…/Sources/Scaffold/ → …/Templates).
  private static let compiledSourceFile = #filePath

  /// Loads every template folder (a folder holding `template.json`) directly inside `root`.
  public static func load(root: URL) throws(ScaffoldError) -> TemplateLibrary {
    let resolved = root.standardizedFileURL.resolvingSymlinksInPath()
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: resolved.path).sorted()
    } catch {
      throw .manifestUnreadable(resolved.path, reason: error.localizedDescription)
    }
    var templates: [Template] = []
    for name in names {
      let folder = resolved.appendingPathComponent(name, isDirectory: true)
      guard FileKind.of(folder.path) == .folder,
        FileManager.default.fileExists(atPath: folder.appendingPathComponent(TemplateManifest.fileName).path)
      else { continue }
      let template = try Template.load(from: folder)
      if let other = templates.first(where: { $0.name == template.name && $0.language == template.language }) {
        throw .duplicateTemplate(
          name: template.name, language: template.language, folders: [other.folder.path, folder.path])
      }
      templates.append(template)
    }
    templates.sort { ($0.name, $0.language) < ($1.name, $1.language) }
    return TemplateLibrary(root: resolved, templates: templates)
  }

  /// Finds and loads the templates folder.
  ///
  /// In order: `explicitRoot` (the `--templates` option), the `PLUGIN_DEV_TEMPLATES`
  /// environment variable, a `Templates` folder in the executable's folder or any folder
  /// above it (before and after resolving links), the same from `currentDirectory`, and
  /// finally the `Templates` folder of the source tree this library was compiled from.
  /// Only a folder that holds at least one template folder counts.
  public static func discover(
    explicitRoot: URL? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    executable: URL? = Bundle.main.executableURL,
    currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
  ) throws(ScaffoldError) -> TemplateLibrary {
    if let explicitRoot {
      return try loadExplicit(explicitRoot, source: "--templates")
    }
    if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty {
      let url = URL(fileURLWithPath: fromEnvironment, isDirectory: true, relativeTo: currentDirectory)
      return try loadExplicit(url, source: environmentVariable)
    }
    var searched: [String] = []
    var starts: [URL] = []
    if let executable {
      let folder = executable.deletingLastPathComponent()
      starts += [folder, folder.resolvingSymlinksInPath(), executable.resolvingSymlinksInPath().deletingLastPathComponent()]
    }
    starts.append(currentDirectory)
    for start in starts {
      var folder = start.standardizedFileURL
      while true {
        let candidate = folder.appendingPathComponent(folderName, isDirectory: true)
        if !searched.contains(candidate.path) {
          searched.append(candidate.path)
          if holdsTemplates(candidate) { return try load(root: candidate) }
        }
        let parent = folder.deletingLastPathComponent()
        if parent.path == folder.path { break }
        folder = parent
      }
    }
    let sources = URL(fileURLWithPath: compiledSourceFile)
      .deletingLastPathComponent()  // Scaffold/
      .deletingLastPathComponent()  // Sources/
      .deletingLastPathComponent()  // package root
      .appendingPathComponent(folderName, isDirectory: true)
    searched.append(sources.path)
    if holdsTemplates(sources) { return try load(root: sources) }
    throw .templatesNotFound(searched: searched)
  }

  /// The template `name` in `language`; without a language, the only one of that name.
  public func lookup(name: String, language: String?) throws(ScaffoldError) -> Template {
    let named = templates.filter { $0.name == name }
    guard !named.isEmpty else { throw .unknownTemplate(name, available: names) }
    guard let language else {
      if named.count == 1 { return named[0] }
      throw .languageRequired(template: name, available: named.map(\.language))
    }
    guard let template = named.first(where: { $0.language == language.lowercased() }) else {
      throw .unknownLanguage(template: name, language: language, available: named.map(\.language))
    }
    return template
  }

  private static func loadExplicit(_ url: URL, source: String) throws(ScaffoldError) -> TemplateLibrary {
    let path = url.standardizedFileURL.path
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
      throw .templatesRootInvalid(path, source: source, reason: "it does not exist")
    }
    guard isFolder.boolValue else {
      throw .templatesRootInvalid(path, source: source, reason: "it is not a folder")
    }
    guard holdsTemplates(url) else {
      let isOneTemplate = FileManager.default.fileExists(atPath: url.appendingPathComponent(TemplateManifest.fileName).path)
      throw .templatesRootInvalid(
        path, source: source,
        reason: isOneTemplate
          ? "it is a single template folder; give the folder that contains it"
          : "it holds no template folder (a folder with a \(TemplateManifest.fileName))")
    }
    return try load(root: url)
  }

  /// Whether `folder` is a folder holding at least one template folder.
  static func holdsTemplates(_ folder: URL) -> Bool {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return false }
    return names.contains { name in
      FileManager.default.fileExists(
        atPath: folder.appendingPathComponent(name).appendingPathComponent(TemplateManifest.fileName).path)
    }
  }
}
