/// Finds the method a console `call` names: `/pkg.Service/Method`, `pkg.Service/Method`,
/// `pkg.Service.Method` or a `Method` name that only one service has.
public enum MethodResolver {
  /// Why a name does not name one method.
  public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
    /// No method by that name; `near` lists close ones.
    case unknown(String, near: [String])
    /// Several services have a method of that name.
    case ambiguous(String, candidates: [String])

    /// What happened, with the names to choose from.
    public var description: String {
      switch self {
      case .unknown(let name, let near):
        return "no method \"\(name)\""
          + (near.isEmpty ? " (`services` lists them)" : "; near names: " + near.joined(separator: ", "))
      case .ambiguous(let name, let candidates):
        return "\"\(name)\" is a method of several services; name one: " + candidates.joined(separator: ", ")
      }
    }
  }

  /// The method `name` designates among `methods`.
  public static func resolve(_ name: String, in methods: [MethodSchema]) throws(Failure) -> MethodSchema {
    let trimmed = name.trimmingCharacters(in: .whitespaces)
    var path = trimmed.hasPrefix("/") ? trimmed : "/" + trimmed
    if !path.dropFirst().contains("/"), let dot = path.lastIndex(of: "."), path.dropFirst().contains(".") {
      path.replaceSubrange(dot...dot, with: "/")
    }
    if let exact = methods.first(where: { $0.path == path }) { return exact }
    let short = methods.filter { $0.name == trimmed }
    if short.count == 1 { return short[0] }
    if short.count > 1 { throw .ambiguous(trimmed, candidates: short.map(\.path)) }
    let caseless = methods.filter {
      $0.name.lowercased() == trimmed.lowercased() || $0.path.lowercased() == path.lowercased()
    }
    if caseless.count == 1 { return caseless[0] }
    let byName = NearNames.closest(to: trimmed, in: methods.map(\.name), limit: 5)
    var near = methods.filter { byName.contains($0.name) }.map(\.path)
    for candidate in NearNames.closest(to: path, in: methods.map(\.path), limit: 5) where !near.contains(candidate) {
      near.append(candidate)
    }
    throw .unknown(trimmed, near: Array(near.prefix(5)))
  }

  /// Method paths starting with `prefix` (or whose method name does), for Tab completion.
  public static func completions(of prefix: String, in methods: [MethodSchema]) -> [String] {
    let lower = prefix.lowercased()
    let paths = methods.map(\.path)
    let byPath = paths.filter { $0.lowercased().hasPrefix(lower) || $0.lowercased().hasPrefix("/" + lower) }
    if !byPath.isEmpty { return byPath }
    return methods.filter { $0.name.lowercased().hasPrefix(lower) }.map(\.path)
  }
}
