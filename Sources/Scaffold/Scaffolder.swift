import Foundation

/// Generates a plugin folder from a template: checks the name and target, renders, writes.
///
/// Nothing is written until every file has been rendered and every target path checked,
/// so a bad template or a link in the way leaves the disk as it was.
public struct Scaffolder: Sendable {
  /// The plugin-dev package root, rendered as `{{pluginDevPath}}`.
  public let pluginDevPath: URL

  /// The folder of the plugin-dev package holding the package a Swift plugin depends on by path
  /// (`{{pluginDevPath}}/PluginProtocol`): the PluginProtocol library alone, not the whole tool.
  static let pluginProtocolPackage = "PluginProtocol"

  /// A scaffolder whose `{{pluginDevPath}}` is the package holding `library`'s templates folder.
  public init(library: TemplateLibrary) {
    self.init(pluginDevPath: library.packageRoot)
  }

  /// A scaffolder with an explicit plugin-dev package root.
  public init(pluginDevPath: URL) {
    self.pluginDevPath = pluginDevPath
  }

  /// The variables a template is rendered with: built-ins, then the template's defaults, then `overrides`.
  public func variables(
    for template: Template, name: PluginName, overrides: [String: String] = [:]
  ) throws(ScaffoldError) -> [String: String] {
    var values: [String: String] = [
      "name": name.value,
      "moduleName": name.moduleName,
      "typeName": name.typeName,
      "pluginDevPath": pluginDevPath.path,
      "templateName": template.name,
      "language": template.language,
    ]
    for (key, variable) in template.manifest.variables { values[key] = variable.defaultValue }
    for (key, value) in overrides.sorted(by: { $0.key < $1.key }) {
      guard let variable = template.manifest.variables[key] else {
        throw .unknownVariable(
          key, template: "\(template.name) (\(template.language))",
          known: template.manifest.variables.keys.sorted())
      }
      if let pattern = variable.pattern, !TemplateManifest.matches(value, pattern: pattern) {
        throw .invalidVariableValue(key, value: value, pattern: pattern)
      }
      values[key] = value
    }
    return values
  }

  /// Creates `directory/name` from `template`.
  ///
  /// - Parameters:
  ///   - directory: the folder the plugin folder is created in (created when missing).
  ///   - force: write into an existing non-empty plugin folder; files of the template are
  ///     replaced, other files stay, and links are never followed.
  ///   - variables: values for the template's declared variables.
  ///   - pluginPath: the plugin folder as the user should type it in `nextSteps` (default `./NAME`).
  public func generate(
    template: Template, name: String, into directory: URL, force: Bool = false,
    variables overrides: [String: String] = [:], pluginPath: String? = nil
  ) throws(ScaffoldError) -> ScaffoldResult {
    let pluginName = try PluginName(name)
    // Compared as module names (`-` becomes `_`), ignoring case, as a case-insensitive file system would.
    if let clash = template.manifest.reservedNames.first(where: {
      $0.replacingOccurrences(of: "-", with: "_").caseInsensitiveCompare(pluginName.moduleName) == .orderedSame
    }) {
      throw .reservedName(pluginName.value, template: "\(template.name) (\(template.language))", clashesWith: clash)
    }
    let values = try variables(for: template, name: pluginName, overrides: overrides)
    let renderer = TemplateRenderer(variables: values)

    // Render everything in memory first.
    var outputs: [(path: String, data: Data, mode: mode_t)] = []
    var usesPluginDevPath = false
    for source in try template.files() {
      let sourceURL = template.folder.appendingPathComponent(source)
      let path = try renderPath(source, with: renderer, template: template)
      if outputs.contains(where: { $0.path == path }) {
        throw .badRenderedPath(
          sourceURL.path, rendered: path, reason: "is also the name of another file of the template")
      }
      let data: Data
      do {
        data = try Data(contentsOf: sourceURL)
      } catch {
        throw .manifestUnreadable(sourceURL.path, reason: error.localizedDescription)
      }
      let mode: mode_t = template.isExecutable(source) ? 0o755 : 0o644
      if template.isVerbatim(source) {
        outputs.append((path, data, mode))
        continue
      }
      guard let text = String(data: data, encoding: .utf8) else { throw .templateFileNotText(sourceURL.path) }
      usesPluginDevPath = usesPluginDevPath || text.contains("pluginDevPath")
      let rendered = try renderer.render(text, file: sourceURL.path)
      outputs.append((path, Data(rendered.utf8), mode))
    }
    outputs.sort { $0.path < $1.path }

    let stepsRenderer = TemplateRenderer(
      variables: values.merging([TemplateManifest.nextStepsVariable: pluginPath ?? "./\(pluginName.value)"]) { $1 })
    var nextSteps: [String] = []
    for (index, line) in template.manifest.nextSteps.enumerated() {
      nextSteps.append(
        try stepsRenderer.render(
          line, file: template.folder.appendingPathComponent(TemplateManifest.fileName).path + " nextSteps[\(index)]"))
    }

    // Check the target, then every path, before writing anything.
    let folder = directory.appendingPathComponent(pluginName.value, isDirectory: true).standardizedFileURL
    try prepareTarget(folder, force: force, dryRun: true)
    let writer = SafeFileWriter(root: folder)
    for output in outputs { try writer.check(output.path) }
    try prepareTarget(folder, force: force, dryRun: false)
    for output in outputs { try writer.writeFile(output.data, to: output.path, mode: output.mode) }

    return ScaffoldResult(
      folder: folder, templateName: template.name, language: template.language, files: outputs.map(\.path),
      nextSteps: nextSteps, warnings: usesPluginDevPath ? pluginDevPathWarnings() : [])
  }

  /// Renders each component of a template file's path and checks the result stays a plain relative path.
  private func renderPath(_ source: String, with renderer: TemplateRenderer, template: Template) throws(ScaffoldError)
    -> String
  {
    let sourceURL = template.folder.appendingPathComponent(source)
    var components: [String] = []
    for component in source.split(separator: "/") {
      let rendered = try renderer.render(String(component), file: sourceURL.path + " (file name)")
      let problem: String?
      if rendered.isEmpty {
        problem = "is empty"
      } else if rendered == "." || rendered == ".." {
        problem = "would point outside its folder"
      } else if rendered.contains("/") || rendered.contains("\0") {
        problem = "contains '/' or NUL"
      } else {
        problem = nil
      }
      if let problem {
        throw .badRenderedPath(sourceURL.path, rendered: rendered, reason: problem)
      }
      components.append(rendered)
    }
    return components.joined(separator: "/")
  }

  /// Checks (and, unless `dryRun`, creates) the plugin folder.
  private func prepareTarget(_ folder: URL, force: Bool, dryRun: Bool) throws(ScaffoldError) {
    switch FileKind.of(folder.path) {
    case .missing:
      guard !dryRun else { return }
      do {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      } catch {
        throw .writeFailed(folder.path, reason: error.localizedDescription)
      }
    case .folder:
      let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.sorted() ?? []
      if !entries.isEmpty && !force { throw .targetNotEmpty(folder.path, entries: entries) }
    case .symlink:
      throw .targetIsSymlink(folder.path)
    case .file, .other:
      throw .targetNotAFolder(folder.path)
    }
  }

  /// Warnings when `{{pluginDevPath}}` does not lead to a plugin-dev checkout (e.g. templates copied elsewhere).
  private func pluginDevPathWarnings() -> [String] {
    var warnings: [String] = []
    let manifest = pluginDevPath.appendingPathComponent(Self.pluginProtocolPackage + "/Package.swift")
    if !FileManager.default.fileExists(atPath: manifest.path) {
      warnings.append(
        "\(pluginDevPath.path) has no \(Self.pluginProtocolPackage)/Package.swift, so the generated package's path "
          + "dependency on plugin-dev's PluginProtocol package will not resolve. Edit the path in the generated "
          + "Package.swift to point at the \(Self.pluginProtocolPackage) folder of a plugin-dev checkout.")
    }
    if pluginDevPath.path.contains(where: { $0 == "\"" || $0 == "\\" || $0.isNewline }) {
      warnings.append(
        "\(pluginDevPath.path) contains a quote, backslash or line break, which the generated code does not escape. "
          + "Edit the path in the generated files or move the plugin-dev checkout.")
    }
    return warnings
  }
}
