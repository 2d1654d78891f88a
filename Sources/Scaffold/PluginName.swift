import Foundation

/// A checked plugin name (e.g. `kv-plugin`) and the identifier forms templates use.
///
/// The name becomes a folder name, a Swift package and target name, a Go module path and a
/// log module, so it is limited to `^[A-Za-z][A-Za-z0-9_-]{0,63}$`: no path separators, no
/// dots, nothing that needs quoting in a shell or a string literal.
public struct PluginName: Sendable, Equatable, CustomStringConvertible {
  /// Longest accepted name, in characters.
  public static let maxLength = 64

  /// The name as given, e.g. `kv-plugin`.
  public let value: String

  /// Checks `value` against the naming rules.
  public init(_ value: String) throws(ScaffoldError) {
    if let reason = Self.problem(with: value) {
      throw .invalidName(value, reason: reason)
    }
    self.value = value
  }

  /// The name as given.
  public var description: String { value }

  /// A lower-level identifier form: `-` replaced by `_` (`kv_plugin`), as SwiftPM names the module.
  public var moduleName: String {
    value.replacingOccurrences(of: "-", with: "_")
  }

  /// A type-name form: the parts between `-` and `_`, each capitalised, joined (`KvPlugin`).
  public var typeName: String {
    value.split(whereSeparator: { $0 == "-" || $0 == "_" })
      .map { $0.prefix(1).uppercased() + $0.dropFirst() }
      .joined()
  }

  /// Why `value` is not a valid name, or nil when it is.
  public static func problem(with value: String) -> String? {
    guard let first = value.first else { return "it is empty" }
    if let separator = value.first(where: { $0 == "/" || $0 == "\\" }) {
      return "it contains the path separator '\(separator)'; NAME is the folder's name, not a path "
        + "(choose where the folder goes with --dir)"
    }
    if value.contains(".") {
      return "it contains '.'"
    }
    if !isASCIILetter(first) {
      return "it must start with a letter, not \(shown(first))"
    }
    if let bad = value.first(where: { !(isASCIILetter($0) || isASCIIDigit($0) || $0 == "-" || $0 == "_") }) {
      return "it contains \(shown(bad)); only letters a-z and A-Z, digits, '-' and '_' are allowed"
    }
    if value.count > maxLength {
      return "it is \(value.count) characters long; the limit is \(maxLength)"
    }
    return nil
  }

  private static func isASCIILetter(_ character: Character) -> Bool {
    guard character.isASCII, let ascii = character.asciiValue else { return false }
    return (ascii >= 65 && ascii <= 90) || (ascii >= 97 && ascii <= 122)
  }

  private static func isASCIIDigit(_ character: Character) -> Bool {
    guard character.isASCII, let ascii = character.asciiValue else { return false }
    return ascii >= 48 && ascii <= 57
  }

  /// A character for a message: printable ones quoted, others as their code point.
  private static func shown(_ character: Character) -> String {
    let scalars = character.unicodeScalars
    if scalars.allSatisfy({ $0.properties.generalCategory != .control && !$0.properties.isWhitespace }) {
      return "'\(character)'"
    }
    return scalars.map { "U+" + String($0.value, radix: 16, uppercase: true).leftPadded(to: 4) }.joined(separator: " ")
      + (character == " " ? " (a space)" : "")
  }
}

extension String {
  fileprivate func leftPadded(to width: Int) -> String {
    count >= width ? self : String(repeating: "0", count: width - count) + self
  }
}
