import Foundation

/// The templates in one `Templates` folder, and how that folder is found.
public struct TemplateLibrary: Sendable {
  /// Environment variable naming the templates folder.
  public static let environmentVariable = "PLUGIN_DEV_TEMPLATES"
  /// Name of the built-in templates folder, looked for beside or above the executable and in the source tree.
  ///
  /// Never looked for from the working directory (see `discover`).
  public static let folderName = "Templates"

  /// The templates folder, with symbolic links resolved.
  public let root: URL
  /// The templates, sorted by name, then language.
  public let templates: [Template]
  /// Who chose `root`: `--templates`, `PLUGIN_DEV_TEMPLATES` or this plugin-dev (built-in).
  public let source: TemplateSource

  /// The folder and who chose it, e.g. `/opt/plugin-dev/Templates (built-in)`; `new` and `templates` print it.
  public var origin: String { "\(root.path) (\(source))" }

  /// The plugin-dev package root: the folder holding `Templates/` (what `{{pluginDevPath}}` renders to).
  public var packageRoot: URL { root.deletingLastPathComponent() }

  /// Template names, sorted, each once.
  public var names: [String] { Array(Set(templates.map(\.name))).sorted() }

  /// The `Templates` folder of the source tree this file was compiled from (…/Sources/Scaffold/ → …/Templates).
  private static let compiledSourceTemplates = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // Scaffold/
    .deletingLastPathComponent()  // Sources/
    .deletingLastPathComponent()  // package root
    .appendingPathComponent(folderName, isDirectory: true)

  /// Loads every template folder (a folder holding `template.json`) directly inside `root`; `source` says who chose it.
  public static func load(root: URL, source: TemplateSource = .option) throws(ScaffoldError) -> TemplateLibrary {
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
    return TemplateLibrary(root: resolved, templates: templates, source: source)
  }

  /// Finds and loads the templates folder, never searching from the current directory.
  ///
  /// In order: `explicitRoot` (the `--templates` option), the `PLUGIN_DEV_TEMPLATES`
  /// environment variable (relative to `currentDirectory`), then the built-in templates: a
  /// `Templates` folder in the executable's folder or any folder above it (before and after
  /// resolving links), else the `Templates` folder of the source tree this library was compiled
  /// from. Only a folder that holds at least one template folder counts.
  ///
  /// `currentDirectory` only resolves a relative `PLUGIN_DEV_TEMPLATES`. A `Templates` folder
  /// above it is never used: whoever can create `/tmp/Templates` would otherwise decide what
  /// `new` writes under `/tmp`, including the `build.sh` that `run` executes.
  public static func discover(
    explicitRoot: URL? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    executable: URL? = Bundle.main.executableURL,
    currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
  ) throws(ScaffoldError) -> TemplateLibrary {
    try discover(
      explicitRoot: explicitRoot, environment: environment, executable: executable, currentDirectory: currentDirectory,
      sourceTemplates: compiledSourceTemplates)
  }

  /// `discover` with the source tree's templates folder injected (nil: none), for tests.
  static func discover(
    explicitRoot: URL?, environment: [String: String], executable: URL?, currentDirectory: URL, sourceTemplates: URL?
  ) throws(ScaffoldError) -> TemplateLibrary {
    if let explicitRoot {
      return try loadExplicit(explicitRoot, source: .option)
    }
    if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty {
      let url = URL(fileURLWithPath: fromEnvironment, isDirectory: true, relativeTo: currentDirectory)
      return try loadExplicit(url, source: .environment)
    }
    let candidates = builtInCandidates(executable: executable, sourceTemplates: sourceTemplates)
    if let found = candidates.first(where: holdsTemplates) {
      return try load(root: found, source: .builtIn)
    }
    throw .templatesNotFound(searched: candidates.map(\.path))
  }

  /// The folder plugin-dev's shipped files are in (`Templates/`, and `Profiles/`, the host
  /// profiles): the one holding the built-in templates, found as `discover` finds them; nil when
  /// there is none.
  public static func builtInPackageRoot(executable: URL? = Bundle.main.executableURL) -> URL? {
    builtInCandidates(executable: executable, sourceTemplates: compiledSourceTemplates)
      .first(where: holdsTemplates)?.deletingLastPathComponent()
  }

  /// Where the built-in templates may be, in order: `Templates` in the executable's folder and
  /// every folder above it (as given, then with links resolved), then `sourceTemplates`.
  static func builtInCandidates(executable: URL?, sourceTemplates: URL?) -> [URL] {
    var starts: [URL] = []
    if let executable {
      let folder = executable.deletingLastPathComponent()
      starts += [
        folder, folder.resolvingSymlinksInPath(), executable.resolvingSymlinksInPath().deletingLastPathComponent(),
      ]
    }
    var candidates: [URL] = []
    for start in starts {
      var folder = start.standardizedFileURL
      while true {
        let candidate = folder.appendingPathComponent(folderName, isDirectory: true)
        if !candidates.contains(where: { $0.path == candidate.path }) { candidates.append(candidate) }
        let parent = folder.deletingLastPathComponent()
        if parent.path == folder.path { break }
        folder = parent
      }
    }
    if let sourceTemplates, !candidates.contains(where: { $0.path == sourceTemplates.path }) {
      candidates.append(sourceTemplates)
    }
    return candidates
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

  private static func loadExplicit(_ url: URL, source: TemplateSource) throws(ScaffoldError) -> TemplateLibrary {
    let path = url.standardizedFileURL.path
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
      throw .templatesRootInvalid(path, source: source.description, reason: "it does not exist")
    }
    guard isFolder.boolValue else {
      throw .templatesRootInvalid(path, source: source.description, reason: "it is not a folder")
    }
    guard holdsTemplates(url) else {
      let isOneTemplate = FileManager.default.fileExists(
        atPath: url.appendingPathComponent(TemplateManifest.fileName).path)
      throw .templatesRootInvalid(
        path, source: source.description,
        reason: isOneTemplate
          ? "it is a single template folder; give the folder that contains it"
          : "it holds no template folder (a folder with a \(TemplateManifest.fileName))")
    }
    return try load(root: url, source: source)
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
