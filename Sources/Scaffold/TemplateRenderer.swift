import Foundation
import Mustache

/// Renders mustache text (file contents, file names, next steps) with string variables, as plain text.
///
/// Values are inserted as they are (no HTML escaping). A tag naming a variable that does not
/// exist is an error instead of silently rendering as nothing.
struct TemplateRenderer: Sendable {
  /// The variables available to templates.
  let variables: [String: String]

  /// Turns HTML escaping off; placed on a line of its own, which mustache removes (a standalone tag).
  private static let textPragma = "{{% CONTENT_TYPE: TEXT }}\n"

  /// Renders `text`; `file` names it in errors.
  func render(_ text: String, file: String) throws(ScaffoldError) -> String {
    try checkVariables(in: text, file: file)
    let template: MustacheTemplate
    do {
      template = try MustacheTemplate(string: Self.textPragma + text)
    } catch let error as MustacheTemplate.ParserError {
      throw .templateSyntax(
        file, line: max(1, error.context.lineNumber - 1), column: error.context.columnNumber,
        reason: Self.reason(error.error))
    } catch {
      throw .templateSyntax(file, line: 1, column: 1, reason: "\(error)")
    }
    return template.render(variables)
  }

  /// Throws for the first `{{name}}`, `{{{name}}}`, `{{&name}}`, `{{#name}}` or `{{^name}}` whose name is unknown.
  private func checkVariables(in text: String, file: String) throws(ScaffoldError) {
    let pattern = #"\{\{\{?\s*([&#^/]?)\s*([^\s{}!>=%<$][^\s{}]*)\s*\}?\}\}"#
    guard let expression = try? NSRegularExpression(pattern: pattern) else { return }
    let range = NSRange(text.startIndex..<text.endIndex, in: text)
    for match in expression.matches(in: text, range: range) {
      guard let nameRange = Range(match.range(at: 2), in: text), let whole = Range(match.range, in: text) else {
        continue
      }
      let name = String(text[nameRange])
      let root = name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? name
      if name == "." || variables[root] != nil { continue }
      let line = text[..<whole.lowerBound].filter { $0 == "\n" }.count + 1
      throw .templateUsesUnknownVariable(file, line: line, variable: name, known: variables.keys.sorted())
    }
  }

  /// Readable reasons for swift-mustache's parser errors (by case name, so a new case still reads sensibly).
  private static let reasons: [String: String] = [
    "sectionCloseNameIncorrect": "a section is closed with a different name than it was opened with",
    "unfinishedName": "a tag is not finished; every {{ needs a matching }}",
    "expectedSectionEnd": "a section {{#…}} or {{^…}} is never closed with {{/…}}",
    "invalidSetDelimiter": "a set-delimiter tag {{=… …=}} is malformed",
    "transformAppliedToInheritanceSection": "a transform is applied to an inheritance section",
    "illegalTokenInsideInheritSection": "an inheritance section holds a tag it may not hold",
    "textInsideInheritSection": "an inheritance section holds text",
    "invalidConfigVariableSyntax": "a {{% … }} pragma is malformed",
    "unrecognisedConfigVariable": "a {{% … }} pragma is not known",
  ]

  private static func reason(_ error: any Error) -> String {
    let name = "\(error)"
    return reasons[name] ?? name
  }
}
