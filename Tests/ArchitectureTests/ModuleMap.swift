import Foundation

/// The module map of README.md's Development section: which first-party modules each module may import.
///
/// Read from lines like ``- `PluginProtocol` — what a Swift plugin links: … Uses: `AutoMTLS`, `Relay`.``
/// under the `### Module map` heading (an item may wrap onto indented lines). A module that uses no
/// other first-party module says `Uses: nothing first-party.`
struct ModuleMap: Equatable {
  /// Module (target) name → the first-party modules it may import.
  var allowed: [String: Set<String>]

  /// Every module in the map.
  var modules: Set<String> { Set(allowed.keys) }

  /// Why a README could not be read as a module map.
  struct ParseError: Error, CustomStringConvertible {
    var description: String
  }

  /// Parses the `### Module map` part of a README.
  static func parse(readme: String) throws -> ModuleMap {
    let lines = readme.components(separatedBy: "\n")
    guard let start = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "### Module map" }) else {
      throw ParseError(description: "README.md has no '### Module map' heading")
    }
    var items: [String] = []
    for line in lines[(start + 1)...] {
      if line.hasPrefix("#") { break }
      if line.hasPrefix("- `") {
        items.append(line)
      } else if line.hasPrefix("  "), !items.isEmpty {
        items[items.count - 1] += " " + line.trimmingCharacters(in: .whitespaces)
      } else if !line.trimmingCharacters(in: .whitespaces).isEmpty, !items.isEmpty {
        break  // the text after the list
      }
    }
    var allowed: [String: Set<String>] = [:]
    for item in items {
      let names = backticked(item)
      guard let module = names.first else { throw ParseError(description: "no module name in: \(item)") }
      guard let uses = item.range(of: "Uses: ") else {
        throw ParseError(description: "the line of `\(module)` has no 'Uses: ' part")
      }
      let usedNames = try usesList(item[uses.upperBound...], of: module)
      guard allowed[module] == nil else { throw ParseError(description: "`\(module)` has two lines") }
      allowed[module] = Set(usedNames)
    }
    if allowed.isEmpty { throw ParseError(description: "the module map lists no module") }
    for (module, used) in allowed {
      for name in used where allowed[name] == nil {
        throw ParseError(description: "`\(module)` uses `\(name)`, which has no line of its own")
      }
    }
    return ModuleMap(allowed: allowed)
  }

  /// The names after `Uses: `: `` `A`, `B` `` up to whatever follows the list (`.`, a remark), or
  /// none for `nothing first-party`.
  static func usesList(_ text: Substring, of module: String) throws -> [String] {
    if text.hasPrefix("nothing first-party") { return [] }
    var names: [String] = []
    var rest = text
    while rest.hasPrefix("`"), let close = rest.dropFirst().firstIndex(of: "`") {
      names.append(String(rest[rest.index(after: rest.startIndex)..<close]))
      rest = rest[rest.index(after: close)...]
      guard rest.hasPrefix(", ") else { break }
      rest = rest.dropFirst(2)
    }
    if names.isEmpty {
      throw ParseError(
        description: "the line of `\(module)` says neither 'Uses: `A`, `B`.' nor 'Uses: nothing first-party.'")
    }
    return names
  }

  /// The `code spans` of a line, in order.
  static func backticked(_ text: String) -> [String] {
    text.components(separatedBy: "`").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
  }

  /// The module a target's name is imported as (`plugin-dev` → `plugin_dev`).
  static func importName(_ target: String) -> String {
    target.replacingOccurrences(of: "-", with: "_")
  }

  /// One import the map does not allow.
  struct Violation: Equatable, CustomStringConvertible {
    var module: String
    var imported: String
    var location: String

    var description: String {
      "\(location): `\(module)` imports `\(imported)`, which README.md's module map does not allow "
        + "(add it to the line's 'Uses:' only if the dependency is meant to be)"
    }
  }

  /// The imports of `module` that the map does not allow; imports of other libraries are not its business.
  func violations(module: String, imports: [(name: String, location: String)]) -> [Violation] {
    let firstParty = Dictionary(uniqueKeysWithValues: modules.map { (Self.importName($0), $0) })
    let permitted = allowed[module] ?? []
    return imports.compactMap { entry in
      guard let target = firstParty[entry.name], target != module, !permitted.contains(target) else { return nil }
      return Violation(module: module, imported: target, location: entry.location)
    }
  }

  /// A cycle in the allowed dependencies (`A → B → A`), or nil.
  func cycle() -> [String]? {
    var state: [String: Bool] = [:]  // false: on the current path, true: done
    var path: [String] = []
    func visit(_ module: String) -> [String]? {
      if state[module] == true { return nil }
      if state[module] == false { return path.drop(while: { $0 != module }) + [module] }
      state[module] = false
      path.append(module)
      for next in (allowed[module] ?? []).sorted() {
        if let found = visit(next) { return found }
      }
      path.removeLast()
      state[module] = true
      return nil
    }
    for module in modules.sorted() {
      if let found = visit(module) { return found }
    }
    return nil
  }
}
