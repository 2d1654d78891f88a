import Foundation

/// Just enough of Swift's syntax to read a package manifest's literal structure: string literals,
/// `//` and `/* */` comments, balanced brackets, and `label: value` arguments.
enum PackageScanner {
  /// One argument or array element: its label (`name` in `name: "X"`), if any, and its value's text.
  struct Argument {
    var label: String?
    var value: String
  }

  /// The text with comments replaced by spaces (string literals kept as they are).
  static func strippingComments(_ text: String) -> String {
    var out = ""
    var chars = Array(text)[...]
    var inString = false
    while let c = chars.first {
      if inString {
        out.append(c)
        chars = chars.dropFirst()
        if c == "\\", let escaped = chars.first {
          out.append(escaped)
          chars = chars.dropFirst()
        } else if c == "\"" {
          inString = false
        }
      } else if c == "\"" {
        inString = true
        out.append(c)
        chars = chars.dropFirst()
      } else if c == "/", chars.dropFirst().first == "/" {
        chars = chars.drop(while: { $0 != "\n" })
      } else if c == "/", chars.dropFirst().first == "*" {
        chars = chars.dropFirst(2)
        while !chars.isEmpty, !(chars.first == "*" && chars.dropFirst().first == "/") { chars = chars.dropFirst() }
        chars = chars.dropFirst(2)
        out.append(" ")
      } else {
        out.append(c)
        chars = chars.dropFirst()
      }
    }
    return out
  }

  /// The text up to the bracket that closes the one just before `text` (not included).
  static func balanced(_ text: Substring, closing: Character) throws -> Substring {
    var depth = 0
    var inString = false
    var escaped = false
    for index in text.indices {
      let c = text[index]
      if inString {
        if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
        continue
      }
      switch c {
      case "\"": inString = true
      case "(", "[", "{": depth += 1
      case ")", "]", "}":
        if depth == 0 {
          guard c == closing else { throw ModuleMap.ParseError(description: "unbalanced '\(c)' in Package.swift") }
          return text[..<index]
        }
        depth -= 1
      default: break
      }
    }
    throw ModuleMap.ParseError(description: "no closing '\(closing)' in Package.swift")
  }

  /// Splits a comma-separated list at depth 0 (a trailing comma allowed) into labelled arguments.
  static func split(_ text: Substring) -> [Argument] {
    var parts: [String] = []
    var current = ""
    var depth = 0
    var inString = false
    var escaped = false
    for c in text {
      if inString {
        if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
        current.append(c)
        continue
      }
      switch c {
      case "\"": inString = true
      case "(", "[", "{": depth += 1
      case ")", "]", "}": depth -= 1
      case "," where depth == 0:
        parts.append(current)
        current = ""
        continue
      default: break
      }
      current.append(c)
    }
    parts.append(current)
    return parts.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }.map { part in
      // `label: value`, where the label is an identifier before the first colon outside strings and brackets.
      if let colon = part.firstIndex(of: ":") {
        let label = part[..<colon].trimmingCharacters(in: .whitespaces)
        if !label.isEmpty, label.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
          return Argument(
            label: label, value: part[part.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines))
        }
      }
      return Argument(label: nil, value: part)
    }
  }

  /// The argument lists (inside the brackets) of every `name(…)` call in `text`, e.g. `.package(`.
  static func calls(_ name: String, in text: Substring) throws -> [Substring] {
    var found: [Substring] = []
    var rest = text
    while let open = rest.range(of: name) {
      let arguments = try balanced(rest[open.upperBound...], closing: ")")
      found.append(arguments)
      rest = rest[arguments.endIndex...]
    }
    return found
  }

  /// The packages a manifest (comments stripped) depends on by path, in its `Package(dependencies:)`:
  /// the name `.product(package:)` refers to them by (`name:`, else the folder's name, lowercased,
  /// as SwiftPM's identity) → the path.
  static func pathDependencies(in text: String) throws -> [String: String] {
    guard let open = text.range(of: "Package(") else { return [:] }
    let arguments = split(try balanced(text[open.upperBound...], closing: ")"))
    guard let value = arguments.first(where: { $0.label == "dependencies" })?.value else { return [:] }
    var packages: [String: String] = [:]
    for call in try calls(".package(", in: Substring(value)) {
      let labelled = split(call)
      guard let pathValue = labelled.first(where: { $0.label == "path" })?.value else { continue }
      guard let path = stringLiteral(pathValue) else {
        throw ModuleMap.ParseError(description: "a path dependency without a literal path: \(call)")
      }
      let name = labelled.first(where: { $0.label == "name" }).flatMap { stringLiteral($0.value) }
      packages[name ?? (path.split(separator: "/").last.map { $0.lowercased() } ?? path)] = path
    }
    return packages
  }

  /// The `let name: Target.Dependency = …` constants of a manifest (comments stripped): name → the
  /// expression (a `.product(…)` or a quoted name), which a target's dependencies use by name.
  static func dependencyConstants(in text: Substring) throws -> [String: String] {
    let declaration = try Regex(#"let\s+([A-Za-z_][A-Za-z0-9_]*)\s*:\s*Target\.Dependency\s*=\s*"#)
    var constants: [String: String] = [:]
    for match in text.matches(of: declaration) {
      guard let name = match.output[1].substring.map(String.init) else { continue }
      let rest = text[match.range.upperBound...]
      if let literal = rest.firstMatch(of: try Regex(#"^"[^"\\]*""#)) {
        constants[name] = String(literal.output[0].substring ?? "")
      } else if rest.hasPrefix("."), let open = rest.firstIndex(of: "(") {
        let arguments = try balanced(rest[rest.index(after: open)...], closing: ")")
        constants[name] = String(rest[..<arguments.endIndex]) + ")"
      } else {
        throw ModuleMap.ParseError(description: "the constant `\(name)` is not a `.product(…)` or a quoted name")
      }
    }
    return constants
  }

  /// The value of a plain string literal (`"X"`, no interpolation), or nil.
  static func stringLiteral(_ text: String) -> String? {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard trimmed.count >= 2, trimmed.hasPrefix("\""), trimmed.hasSuffix("\"") else { return nil }
    let inner = trimmed.dropFirst().dropLast()
    guard !inner.contains("\""), !inner.contains("\\") else { return nil }
    return String(inner)
  }
}
