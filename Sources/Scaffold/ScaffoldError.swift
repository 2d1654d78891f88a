/// Why a plugin could not be scaffolded; each description says what happened, why, and what to do.
public enum ScaffoldError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The plugin name is not acceptable (`reason` says which rule it breaks).
  case invalidName(String, reason: String)
  /// The template cannot use this name: it would clash with a module of the same name in the generated code's dependencies.
  case reservedName(String, template: String, clashesWith: String)
  /// No built-in templates folder was found in any of the places searched (the current folder is never one of them).
  case templatesNotFound(searched: [String])
  /// A templates folder given explicitly (option or environment variable) is unusable.
  case templatesRootInvalid(String, source: String, reason: String)
  /// A `template.json` could not be read.
  case manifestUnreadable(String, reason: String)
  /// A `template.json` is not valid JSON or breaks a rule of the manifest format.
  case manifestInvalid(String, problem: String)
  /// Two template folders declare the same name and language.
  case duplicateTemplate(name: String, language: String, folders: [String])
  /// No template has this name.
  case unknownTemplate(String, available: [String])
  /// The template exists, but not in this language.
  case unknownLanguage(template: String, language: String, available: [String])
  /// No language was given and the template exists in several.
  case languageRequired(template: String, available: [String])
  /// A variable was set that the template does not declare.
  case unknownVariable(String, template: String, known: [String])
  /// A variable's value does not match, from first character to last, the pattern the template declares for it.
  case invalidVariableValue(String, value: String, pattern: String)
  /// A file named in the manifest's `files`, `verbatim` or `executable` list does not exist.
  case templateFileMissing(String, listedIn: String)
  /// A template file is not valid mustache.
  case templateSyntax(String, line: Int, column: Int, reason: String)
  /// A template file uses a variable that does not exist (it would silently render empty).
  case templateUsesUnknownVariable(String, line: Int, variable: String, known: [String])
  /// A template file that should be rendered is not UTF-8 text.
  case templateFileNotText(String)
  /// A template folder holds something that is neither a regular file nor a folder.
  case templateFileUnsupported(String, kind: String)
  /// A rendered file name is unusable (empty, `..`, contains `/`).
  case badRenderedPath(String, rendered: String, reason: String)
  /// The target folder exists and is not empty, and `--force` was not given.
  case targetNotEmpty(String, entries: [String])
  /// The target path exists and is not a folder.
  case targetNotAFolder(String)
  /// The target path is a symbolic link.
  case targetIsSymlink(String)
  /// Inside the target, a path to be written is a symbolic link.
  case symlinkInTarget(String)
  /// Inside the target, something that is not a regular file or folder is in the way.
  case pathBlocked(String, reason: String)
  /// Creating a folder or writing a file failed.
  case writeFailed(String, reason: String)

  /// What happened, why, and what to do.
  public var description: String {
    switch self {
    case .invalidName(let name, let reason):
      if name.isEmpty {
        return "the plugin name is empty. Give a name such as kv-plugin: a letter, then letters, digits, '-' or '_'."
      }
      return "\"\(name)\" is not a valid plugin name: \(reason). The name becomes the folder name and is used in code, "
        + "so it must be a letter followed by up to 63 letters, digits, '-' or '_' (e.g. kv-plugin)."
    case .reservedName(let name, let template, let clash):
      return "\"\(name)\" cannot be used with template \(template): the generated code's dependencies already have a "
        + "module named \(clash), and module names must be unique. Pick another name, e.g. \(name)-plugin."
    case .templatesNotFound(let searched):
      return "no built-in templates folder found. Looked for a Templates folder with template folders beside and "
        + "above the plugin-dev executable and in the source tree it was built from:\n"
        + searched.map { "  \($0)" }.joined(separator: "\n")
        + "\nA Templates folder in or above the current folder is never used, so that nobody else can choose "
        + "what `new` writes. Pass --templates DIR or set PLUGIN_DEV_TEMPLATES to the Templates folder of a plugin-dev checkout."
    case .templatesRootInvalid(let path, let source, let reason):
      return "\(source) names \(path), which cannot be used as the templates folder: \(reason). "
        + "Point it at the Templates folder of a plugin-dev checkout (it holds kv-python/, kv-swift/, …)."
    case .manifestUnreadable(let file, let reason):
      return
        "\(file): cannot read the template manifest (\(reason)). Every template folder needs a readable template.json."
    case .manifestInvalid(let file, let problem):
      return
        "\(file): \(problem). Fix the template manifest; see an existing one (Templates/kv-python/template.json) for the format."
    case .duplicateTemplate(let name, let language, let folders):
      return "template \(name) (\(language)) is defined twice, in \(folders.joined(separator: " and ")). "
        + "Rename one (\"name\" or \"language\" in its template.json) or remove it."
    case .unknownTemplate(let name, let available):
      return "unknown template \"\(name)\". Available: \(Self.list(available)). `plugin-dev templates` describes them."
    case .unknownLanguage(let template, let language, let available):
      return "template \(template) has no \"\(language)\" version. Available languages: \(Self.list(available)) "
        + "(choose one with --lang)."
    case .languageRequired(let template, let available):
      return "template \(template) exists in several languages: \(Self.list(available)). Choose one with --lang."
    case .unknownVariable(let name, let template, let known):
      return "template \(template) has no variable \"\(name)\"; it can be set: "
        + (known.isEmpty ? "none (this template declares no variables)" : Self.list(known)) + "."
    case .invalidVariableValue(let name, let value, let pattern):
      let lineBreak =
        value.contains(where: \.isNewline)
        ? " It contains a line break (often a trailing newline, e.g. from $'…\\n'); remove it." : ""
      return
        "the value \(value.debugDescription) of \(name) does not match its pattern \(pattern) from first character "
        + "to last, so the generated code would not compile." + lineBreak
        + " Set a value the whole pattern matches: --set \(name)=VALUE."
    case .templateFileMissing(let file, let list):
      return
        "\(file) is listed in \"\(list)\" of its template.json but does not exist. Add the file or remove it from the list."
    case .templateSyntax(let file, let line, let column, let reason):
      return "\(file), line \(line), column \(column): not valid mustache (\(reason)). "
        + "Fix the tag, or list the file under \"verbatim\" in template.json if it must be copied as it is."
    case .templateUsesUnknownVariable(let file, let line, let variable, let known):
      return
        "\(file), line \(line): {{\(variable)}} is not a variable of this template, so it would render as nothing. "
        + "Known variables: \(Self.list(known)). Fix the name or declare it under \"variables\" in template.json."
    case .templateFileNotText(let file):
      return
        "\(file) is not UTF-8 text, so it cannot be rendered with mustache. List it under \"verbatim\" in template.json to copy it byte for byte."
    case .templateFileUnsupported(let file, let kind):
      return
        "\(file) is a \(kind); templates may only hold regular files and folders. Replace it with a copy of the file."
    case .badRenderedPath(let file, let rendered, let reason):
      return "the file name \(file) renders to \"\(rendered)\", which \(reason). Change the file name in the template."
    case .targetNotEmpty(let path, let entries):
      let shown = entries.prefix(5).joined(separator: ", ") + (entries.count > 5 ? ", …" : "")
      return "\(path) already exists and is not empty (\(shown)). Choose another NAME or --dir, "
        + "or pass --force to write the template's files into it (other files are left alone)."
    case .targetNotAFolder(let path):
      return "\(path) already exists and is not a folder. Choose another NAME or --dir."
    case .targetIsSymlink(let path):
      return "\(path) is a symbolic link; plugin-dev does not write through links, even with --force. "
        + "Use the folder it points to as --dir, or choose another NAME."
    case .symlinkInTarget(let path):
      return "\(path) is a symbolic link; plugin-dev never writes through links, even with --force, so that nothing "
        + "outside the plugin folder is touched. Remove the link or choose another folder."
    case .pathBlocked(let path, let reason):
      return "cannot write \(path): \(reason). Move it away or choose another folder."
    case .writeFailed(let path, let reason):
      return "writing \(path) failed: \(reason). Check the folder's permissions and free space."
    }
  }

  private static func list(_ items: [String]) -> String {
    items.isEmpty ? "none" : items.joined(separator: ", ")
  }
}
