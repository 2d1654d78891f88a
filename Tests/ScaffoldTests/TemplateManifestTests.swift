import Foundation
import Testing

@testable import Scaffold

@Suite("TemplateManifest")
struct TemplateManifestTests {
  static let file = "/x/Templates/t-python/template.json"

  @Test func parsesAFullManifest() throws {
    let json = #"""
      {
        "name": "kv", "language": "python", "description": "KV plugin",
        "variables": {"cookie": {"default": "hello", "description": "the cookie", "pattern": "[a-z]+"}},
        "files": ["plugin.py", "protos/"], "verbatim": ["protos/"], "executable": ["plugin.py"],
        "reservedNames": ["grpc"], "nextSteps": ["plugin-dev run {{pluginPath}}"]
      }
      """#
    let manifest = try TemplateManifest.parse(Data(json.utf8), file: Self.file)
    #expect(manifest.name == "kv")
    #expect(manifest.language == "python")
    #expect(manifest.description == "KV plugin")
    #expect(manifest.variables["cookie"] == .init(defaultValue: "hello", description: "the cookie", pattern: "[a-z]+"))
    #expect(manifest.files == .listed(["plugin.py", "protos/"]))
    #expect(manifest.verbatim == ["protos/"])
    #expect(manifest.executable == ["plugin.py"])
    #expect(manifest.reservedNames == ["grpc"])
    #expect(manifest.nextSteps == ["plugin-dev run {{pluginPath}}"])
  }

  @Test func defaultsForOptionalFields() throws {
    let json = #"{"name": "kv", "language": "go", "description": "d", "nextSteps": ["x"], "files": "all"}"#
    let manifest = try TemplateManifest.parse(Data(json.utf8), file: Self.file)
    #expect(manifest.files == .all)
    #expect(manifest.variables.isEmpty && manifest.verbatim.isEmpty && manifest.executable.isEmpty)
  }

  /// Broken manifests and a piece of the message each must produce.
  static let broken: [(String, String)] = [
    (#"{"name": "kv", "#, "not valid JSON"),
    (#"["kv"]"#, "the top level must be a JSON object"),
    (#"{"language": "go", "description": "d", "nextSteps": ["x"]}"#, #"the field "name" is missing"#),
    (#"{"name": 3, "language": "go", "description": "d", "nextSteps": ["x"]}"#, #"the field "name" must be a string"#),
    (#"{"name": "KV Plugin", "language": "go", "description": "d", "nextSteps": ["x"]}"#, #""name" is "KV Plugin""#),
    (#"{"name": "kv", "language": "Go Lang", "description": "d", "nextSteps": ["x"]}"#, #""language" is "Go Lang""#),
    (
      #"{"name": "kv", "language": "go", "description": " ", "nextSteps": ["x"]}"#, #"the field "description" is empty"#
    ),
    (#"{"name": "kv", "language": "go", "description": "d"}"#, #"the field "nextSteps" is missing"#),
    (#"{"name": "kv", "language": "go", "description": "d", "nextSteps": []}"#, #""nextSteps" is empty"#),
    (#"{"name": "kv", "language": "go", "description": "d", "nextSteps": [1]}"#, #""nextSteps[0]" must be a string"#),
    (
      #"{"name": "kv", "language": "go", "description": "d", "nextSteps": ["x"], "nextstep": []}"#,
      #"unknown field "nextstep""#
    ),
    (
      #"{"name": "kv", "language": "go", "description": "d", "nextSteps": ["x"], "files": "some"}"#,
      #""files" must be "all" or a list"#
    ),
    (
      #"{"name": "kv", "language": "go", "description": "d", "nextSteps": ["x"], "files": []}"#,
      #""files" is an empty list"#
    ),
    (
      #"{"name": "kv", "language": "go", "description": "d", "nextSteps": ["x"], "verbatim": ["../x"]}"#,
      #""verbatim[0]" is "../x""#
    ),
    (
      #"{"name": "kv", "language": "go", "description": "d", "nextSteps": ["x"], "executable": ["/bin/sh"]}"#,
      #""executable[0]" is "/bin/sh""#
    ),
    (
      #"{"name": "kv", "language": "go", "description": "d", "nextSteps": ["x"], "variables": []}"#,
      #""variables" must be an object"#
    ),
    (
      #"{"name": "kv", "language": "go", "description": "d", "nextSteps": ["x"], "variables": {"name": {"default": "a", "description": "b"}}}"#,
      #"the variable "name" is built in"#
    ),
    (
      #"{"name": "kv", "language": "go", "description": "d", "nextSteps": ["x"], "variables": {"a-b": {"default": "a", "description": "b"}}}"#,
      #"the variable name "a-b" is not an identifier"#
    ),
    (
      #"{"name": "kv", "language": "go", "description": "d", "nextSteps": ["x"], "variables": {"v": {"description": "b"}}}"#,
      #"the field "variables.v.default" is missing"#
    ),
    (
      #"{"name": "kv", "language": "go", "description": "d", "nextSteps": ["x"], "variables": {"v": {"default": 1, "description": "b"}}}"#,
      #""variables.v.default" must be a string"#
    ),
    (
      #"{"name": "kv", "language": "go", "description": "d", "nextSteps": ["x"], "variables": {"v": {"default": "a", "description": "b", "kind": "x"}}}"#,
      #"unknown field "variables.v.kind""#
    ),
    (
      #"{"name": "kv", "language": "go", "description": "d", "nextSteps": ["x"], "variables": {"v": {"default": "a", "description": "b", "pattern": "("}}}"#,
      #""variables.v.pattern" is not a valid regular expression"#
    ),
    (
      #"{"name": "kv", "language": "go", "description": "d", "nextSteps": ["x"], "variables": {"v": {"default": "A", "description": "b", "pattern": "[a-z]+"}}}"#,
      #"the default "A" of v does not match its pattern [a-z]+"#
    ),
    // A final line break must not slip past an anchor (ICU's `$` matches before one).
    (#"{"name": "kv\n", "language": "go", "description": "d", "nextSteps": ["x"]}"#, #""name" is "kv"#),
    (#"{"name": "kv", "language": "go\n", "description": "d", "nextSteps": ["x"]}"#, #""language" is "go"#),
    (
      #"{"name": "kv", "language": "go", "description": "d", "nextSteps": ["x"], "variables": {"v\n": {"default": "a", "description": "b"}}}"#,
      #"is not an identifier"#
    ),
    (
      #"{"name": "kv", "language": "go", "description": "d", "nextSteps": ["x"], "variables": {"v": {"default": "a\n", "description": "b", "pattern": "[a-z]+"}}}"#,
      #"of v does not match its pattern [a-z]+"#
    ),
    (
      #"{"name": "kv", "language": "go", "description": "d", "nextSteps": ["x"], "variables": {"v": {"default": "a\n", "description": "b", "pattern": "^[a-z]+$"}}}"#,
      #"of v does not match its pattern ^[a-z]+$"#
    ),
  ]

  @Test(arguments: broken)
  func brokenManifestsNameTheFileAndTheProblem(_ json: String, _ expected: String) {
    let error = ScaffoldFixtures.error { _ = try TemplateManifest.parse(Data(json.utf8), file: Self.file) }
    guard case .manifestInvalid(let file, _)? = error else {
      Issue.record("\(json) → \(String(describing: error))")
      return
    }
    #expect(file == Self.file)
    let message = error?.description ?? ""
    #expect(message.hasPrefix(Self.file + ": "), "\(message)")
    #expect(message.contains(expected), "\(message)")
  }

  /// Values that `^(?:pattern)$` let through (ICU's `$` matches before a final line break),
  /// or that only part of the pattern matches.
  static let partialMatches: [(String, String)] = [
    ("hello\n", "[a-z]+"), ("hello\r\n", "[a-z]+"), ("hello\r", "[a-z]+"), ("hello\u{2028}", "[a-z]+"),
    ("\nhello", "[a-z]+"), ("hel\nlo", "[a-z]+"), ("hello\n", "^[a-z]+$"), ("hello\n", "[a-z]+$"),
    ("1\n", "[1-9][0-9]{0,3}"), ("hello", "[a-z]"), ("hello", "hell"), ("hello", "h|hell"),
  ]

  @Test(arguments: partialMatches)
  func aPatternMustMatchTheWholeValue(_ value: String, _ pattern: String) {
    #expect(!TemplateManifest.matches(value, pattern: pattern), "\(value.debugDescription) ~ \(pattern)")
  }

  @Test func wholeMatchesAreAccepted() {
    #expect(TemplateManifest.matches("hello", pattern: "[a-z]+"))
    #expect(TemplateManifest.matches("hello", pattern: "^[a-z]+$"))
    #expect(TemplateManifest.matches("hello", pattern: "h|hello"))
    #expect(TemplateManifest.matches("", pattern: "[a-z]*"))
    #expect(TemplateManifest.matches("line\nbreak", pattern: "[a-z\n]+"), "a pattern may allow line breaks explicitly")
  }

  @Test func everyShippedTemplateHasAValidManifest() throws {
    let library = try ScaffoldFixtures.library()
    #expect(library.templates.count == 3)
    for template in library.templates {
      #expect(template.name == "kv")
      #expect(!template.description.isEmpty)
      #expect(template.manifest.nextSteps.first?.contains("plugin-dev run {{pluginPath}}") == true)
      #expect(Set(template.manifest.variables.keys) == ["magicCookieKey", "magicCookieValue", "protocolVersion"])
    }
  }
}
