import Foundation

/// A template folder's `template.json`: what the template is, its variables, files and next steps.
///
/// ```json
/// {
///   "name": "kv",
///   "language": "python",
///   "description": "KV plugin for go-plugin's examples/grpc host, in Python (grpcio)",
///   "variables": {
///     "magicCookieValue": {"default": "hello", "description": "…", "pattern": "[A-Za-z0-9_-]+"}
///   },
///   "files": "all",
///   "verbatim": ["protos/"],
///   "executable": ["build.sh"],
///   "reservedNames": [],
///   "nextSteps": ["plugin-dev run {{pluginPath}}"]
/// }
/// ```
/// `files` is `"all"` (every file in the folder except `template.json`) or a list. Entries of
/// `files`, `verbatim` (copied byte for byte instead of rendered) and `executable` (written
/// with mode 0755) are paths relative to the template folder; an entry ending in `/` means
/// everything below that folder. File contents, file names and `nextSteps` are mustache.
public struct TemplateManifest: Sendable, Equatable {
  /// The file name of a template manifest.
  public static let fileName = "template.json"

  /// Variables every template gets without declaring them.
  public static let builtInVariables = [
    "name", "moduleName", "typeName", "pluginDevPath", "templateName", "language",
  ]
  /// A variable only `nextSteps` can use: the plugin folder as the user should type it.
  public static let nextStepsVariable = "pluginPath"

  /// A variable a template declares, with its default value.
  public struct Variable: Sendable, Equatable {
    /// Value used unless the user sets another.
    public var defaultValue: String
    /// What the variable is for.
    public var description: String
    /// A regular expression every value must match in full, when the value ends up in code.
    ///
    /// In full means between `\A` and `\z`: a final line break is not ignored (see `matches`).
    public var pattern: String?

    /// Creates a variable.
    public init(defaultValue: String, description: String, pattern: String? = nil) {
      self.defaultValue = defaultValue
      self.description = description
      self.pattern = pattern
    }
  }

  /// Which files of the folder belong to the template.
  public enum FileSelection: Sendable, Equatable {
    /// Every file except `template.json`.
    case all
    /// The listed files (an entry ending in `/` selects a whole folder).
    case listed([String])
  }

  /// Template name as used on the command line, e.g. `kv`.
  public var name: String
  /// Language of the generated plugin, e.g. `python`.
  public var language: String
  /// One line shown by `plugin-dev templates`.
  public var description: String
  /// Variables beyond the built-in ones, by name.
  public var variables: [String: Variable]
  /// Files that make up the template.
  public var files: FileSelection
  /// Files copied byte for byte instead of being rendered.
  public var verbatim: [String]
  /// Files written with mode 0755.
  public var executable: [String]
  /// Plugin names this template refuses: module names already in the generated code's package graph (compared as module names, ignoring case).
  public var reservedNames: [String]
  /// Lines printed after generation (mustache; `{{pluginPath}}` is the plugin folder).
  public var nextSteps: [String]

  /// Creates a manifest.
  public init(
    name: String, language: String, description: String, variables: [String: Variable] = [:],
    files: FileSelection = .all, verbatim: [String] = [], executable: [String] = [], reservedNames: [String] = [],
    nextSteps: [String]
  ) {
    self.name = name
    self.language = language
    self.description = description
    self.variables = variables
    self.files = files
    self.verbatim = verbatim
    self.executable = executable
    self.reservedNames = reservedNames
    self.nextSteps = nextSteps
  }

  private static let knownFields: Set<String> = [
    "name", "language", "description", "variables", "files", "verbatim", "executable", "reservedNames", "nextSteps",
  ]
  private static let knownVariableFields: Set<String> = ["default", "description", "pattern"]

  /// Parses and checks manifest text; `file` names it in errors.
  public static func parse(_ data: Data, file: String) throws(ScaffoldError) -> TemplateManifest {
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: data)
    } catch {
      throw .manifestInvalid(file, problem: "not valid JSON (\(jsonReason(error)))")
    }
    guard let root = object as? [String: Any] else {
      throw .manifestInvalid(file, problem: "the top level must be a JSON object ({ … })")
    }
    let reader = FieldReader(file: file)
    try reader.rejectUnknown(Set(root.keys), known: knownFields, at: nil)

    let name = try reader.string(root["name"], field: "name")
    guard matches(name, pattern: "[a-z][a-z0-9-]*") else {
      throw .manifestInvalid(
        file,
        problem: "\"name\" is \"\(name)\"; use lower-case letters, digits and '-', starting with a letter (e.g. kv)")
    }
    let language = try reader.string(root["language"], field: "language")
    guard matches(language, pattern: "[a-z][a-z0-9+#-]*") else {
      throw .manifestInvalid(
        file, problem: "\"language\" is \"\(language)\"; use a lower-case word such as python, swift or go")
    }
    let description = try reader.string(root["description"], field: "description")

    var variables: [String: Variable] = [:]
    if let rawVariables = root["variables"] {
      guard let table = rawVariables as? [String: Any] else {
        throw .manifestInvalid(
          file, problem: "\"variables\" must be an object of name → {\"default\": …, \"description\": …}")
      }
      for (variableName, rawVariable) in table {
        variables[variableName] = try reader.variable(named: variableName, rawVariable)
      }
    }

    let files: FileSelection
    switch root["files"] {
    case nil:
      files = .all
    case let text as String where text == "all":
      files = .all
    case let list as [Any]:
      let paths = try reader.paths(list, field: "files")
      guard !paths.isEmpty else {
        throw .manifestInvalid(file, problem: "\"files\" is an empty list; list the files or use \"all\"")
      }
      files = .listed(paths)
    default:
      throw .manifestInvalid(
        file, problem: "\"files\" must be \"all\" or a list of paths relative to the template folder")
    }
    let verbatim = try reader.paths(root["verbatim"] ?? [Any](), field: "verbatim")
    let executable = try reader.paths(root["executable"] ?? [Any](), field: "executable")
    let reservedNames = try reader.strings(root["reservedNames"] ?? [Any](), field: "reservedNames")
    let nextSteps = try reader.strings(root["nextSteps"], field: "nextSteps")
    guard !nextSteps.isEmpty else {
      throw .manifestInvalid(file, problem: "\"nextSteps\" is empty; give at least the command that runs the plugin")
    }
    return TemplateManifest(
      name: name, language: language, description: description, variables: variables, files: files,
      verbatim: verbatim, executable: executable, reservedNames: reservedNames, nextSteps: nextSteps)
  }

  private static func jsonReason(_ error: any Error) -> String {
    let nsError = error as NSError
    if let detail = nsError.userInfo["NSDebugDescription"] as? String { return detail }
    return nsError.localizedDescription
  }

  /// Reads typed fields and reports the field path of any problem.
  private struct FieldReader {
    let file: String

    func rejectUnknown(_ keys: Set<String>, known: Set<String>, at prefix: String?) throws(ScaffoldError) {
      guard let unknown = keys.subtracting(known).sorted().first else { return }
      let field = prefix.map { "\($0).\(unknown)" } ?? unknown
      throw .manifestInvalid(
        file, problem: "unknown field \"\(field)\" (known fields: \(known.sorted().joined(separator: ", ")))")
    }

    func string(_ value: Any?, field: String) throws(ScaffoldError) -> String {
      guard let value else { throw .manifestInvalid(file, problem: "the field \"\(field)\" is missing") }
      guard let text = value as? String else {
        throw .manifestInvalid(file, problem: "the field \"\(field)\" must be a string")
      }
      guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
        throw .manifestInvalid(file, problem: "the field \"\(field)\" is empty")
      }
      return text
    }

    func strings(_ value: Any?, field: String) throws(ScaffoldError) -> [String] {
      guard let value else { throw .manifestInvalid(file, problem: "the field \"\(field)\" is missing") }
      guard let list = value as? [Any] else {
        throw .manifestInvalid(file, problem: "the field \"\(field)\" must be a list of strings")
      }
      var result: [String] = []
      for (index, item) in list.enumerated() {
        guard let text = item as? String else {
          throw .manifestInvalid(file, problem: "\"\(field)[\(index)]\" must be a string")
        }
        result.append(text)
      }
      return result
    }

    func paths(_ value: Any, field: String) throws(ScaffoldError) -> [String] {
      let list = try strings(value, field: field)
      for (index, path) in list.enumerated() {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        let body = path.hasSuffix("/") ? components.dropLast() : components[...]
        if path.hasPrefix("/") || body.isEmpty || body.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) {
          throw .manifestInvalid(
            file,
            problem:
              "\"\(field)[\(index)]\" is \"\(path)\"; use a path relative to the template folder, without '.' or '..' parts"
          )
        }
      }
      return list
    }

    func variable(named name: String, _ value: Any) throws(ScaffoldError) -> Variable {
      let field = "variables.\(name)"
      guard TemplateManifest.matches(name, pattern: "[A-Za-z_][A-Za-z0-9_]*") else {
        throw .manifestInvalid(
          file, problem: "the variable name \"\(name)\" is not an identifier (letters, digits, '_')")
      }
      if TemplateManifest.builtInVariables.contains(name) || name == TemplateManifest.nextStepsVariable {
        throw .manifestInvalid(file, problem: "the variable \"\(name)\" is built in; declare another name")
      }
      guard let table = value as? [String: Any] else {
        throw .manifestInvalid(file, problem: "\"\(field)\" must be an object {\"default\": …, \"description\": …}")
      }
      try rejectUnknown(Set(table.keys), known: TemplateManifest.knownVariableFields, at: field)
      guard let defaultValue = table["default"] else {
        throw .manifestInvalid(file, problem: "the field \"\(field).default\" is missing")
      }
      guard let defaultText = defaultValue as? String else {
        throw .manifestInvalid(file, problem: "the field \"\(field).default\" must be a string")
      }
      let description = try string(table["description"], field: "\(field).description")
      var pattern: String?
      if let rawPattern = table["pattern"] {
        let text = try string(rawPattern, field: "\(field).pattern")
        do {
          _ = try NSRegularExpression(pattern: text)
        } catch {
          throw .manifestInvalid(file, problem: "\"\(field).pattern\" is not a valid regular expression")
        }
        guard TemplateManifest.matches(defaultText, pattern: text) else {
          throw .manifestInvalid(
            file, problem: "the default \"\(defaultText)\" of \(name) does not match its pattern \(text)")
        }
        pattern = text
      }
      return Variable(defaultValue: defaultText, description: description, pattern: pattern)
    }
  }

  /// Whether `value` matches `pattern` in full: from its first character to its last, line breaks included.
  ///
  /// Anchored with `\A…\z`, not `^…$`: ICU's `$` also matches before a final line break, which
  /// let `--set magicCookieValue=$'hello\n'` through into a string literal. The match must also
  /// span the whole value, whatever anchors the pattern itself holds.
  static func matches(_ value: String, pattern: String) -> Bool {
    guard let expression = try? NSRegularExpression(pattern: #"\A(?:"# + pattern + #")\z"#) else { return false }
    let whole = NSRange(value.startIndex..<value.endIndex, in: value)
    return expression.firstMatch(in: value, range: whole)?.range == whole
  }
}
