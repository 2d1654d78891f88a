import Foundation

/// The module map: which first-party modules each module may import, read from `Package.swift`.
///
/// A module may import exactly the first-party targets its `.target(name: …, dependencies: [...])`
/// entry lists: the quoted names (and `.target(name:)`, `.byName(name:)`) that are other targets of
/// the package. `.product(...)` entries are other packages' libraries, not first-party. Test targets
/// are not modules of the map. docs/architecture.md describes the same map for people.
struct ModuleMap: Equatable {
  /// Module (target) name → the first-party modules it may import.
  var allowed: [String: Set<String>]
  /// Module (target) name → its folder, relative to the package root.
  var paths: [String: String] = [:]

  /// Every module in the map.
  var modules: Set<String> { Set(allowed.keys) }

  /// Why a manifest could not be read as a module map.
  struct ParseError: Error, CustomStringConvertible {
    var description: String
  }

  /// The target kinds that are modules of the map (test targets are not).
  static let moduleKinds: Set<String> = ["target", "executableTarget", "systemLibrary", "macro", "plugin"]
  /// Every target kind the parser knows.
  static let targetKinds: Set<String> = moduleKinds.union(["testTarget", "binaryTarget"])

  /// Parses the `targets: [...]` argument of a manifest's `Package(...)`.
  static func parse(manifest: String) throws -> ModuleMap {
    let text = PackageScanner.strippingComments(manifest)
    guard let open = text.range(of: "Package(") else {
      throw ParseError(description: "Package.swift has no 'Package(' call")
    }
    let body = try PackageScanner.balanced(text[open.upperBound...], closing: ")")
    let arguments = PackageScanner.split(body)
    guard let targetsArgument = arguments.first(where: { $0.label == "targets" }) else {
      throw ParseError(description: "Package(...) has no 'targets:' argument")
    }
    let list = targetsArgument.value.trimmingCharacters(in: .whitespacesAndNewlines)
    guard list.hasPrefix("["), list.hasSuffix("]") else {
      throw ParseError(description: "'targets:' is not an array literal")
    }
    var declared: [(kind: String, name: String, dependencies: [String], path: String)] = []
    for element in PackageScanner.split(Substring(list.dropFirst().dropLast())) {
      let call = element.value.trimmingCharacters(in: .whitespacesAndNewlines)
      guard call.hasPrefix("."), let paren = call.firstIndex(of: "(") else {
        throw ParseError(description: "a target that is not a '.kind(...)' call: \(call)")
      }
      let kind = String(call[call.index(after: call.startIndex)..<paren])
      guard targetKinds.contains(kind) else { throw ParseError(description: "unknown target kind '.\(kind)'") }
      let targetArguments = PackageScanner.split(
        try PackageScanner.balanced(call[call.index(after: paren)...], closing: ")"))
      guard let nameValue = targetArguments.first(where: { $0.label == "name" })?.value,
        let name = PackageScanner.stringLiteral(nameValue)
      else { throw ParseError(description: "a '.\(kind)' without a literal name: \(call.prefix(80))") }
      var dependencies: [String] = []
      if let value = targetArguments.first(where: { $0.label == "dependencies" })?.value {
        dependencies = try dependencyNames(value, of: name)
      }
      let path = targetArguments.first(where: { $0.label == "path" }).flatMap {
        PackageScanner.stringLiteral($0.value)
      }
      declared.append((kind, name, dependencies, path ?? (kind == "testTarget" ? "Tests/" : "Sources/") + name))
    }
    let targetNames = Set(declared.map(\.name))
    var allowed: [String: Set<String>] = [:]
    var paths: [String: String] = [:]
    for target in declared where moduleKinds.contains(target.kind) {
      guard allowed[target.name] == nil else { throw ParseError(description: "`\(target.name)` is declared twice") }
      allowed[target.name] = Set(target.dependencies.filter { targetNames.contains($0) })
      paths[target.name] = target.path
    }
    if allowed.isEmpty { throw ParseError(description: "Package.swift declares no target") }
    for (module, used) in allowed {
      for name in used where allowed[name] == nil {
        throw ParseError(description: "`\(module)` depends on `\(name)`, which is not a module (a test target?)")
      }
    }
    return ModuleMap(allowed: allowed, paths: paths)
  }

  /// The first-party candidates of a `dependencies: [...]` value: quoted names, `.target(name:)` and
  /// `.byName(name:)`; `.product(...)` is skipped.
  static func dependencyNames(_ value: String, of target: String) throws -> [String] {
    let list = value.trimmingCharacters(in: .whitespacesAndNewlines)
    guard list.hasPrefix("["), list.hasSuffix("]") else {
      throw ParseError(description: "the dependencies of `\(target)` are not an array literal")
    }
    var names: [String] = []
    for element in PackageScanner.split(Substring(list.dropFirst().dropLast())) {
      let item = element.value.trimmingCharacters(in: .whitespacesAndNewlines)
      if let name = PackageScanner.stringLiteral(item) {
        names.append(name)
      } else if item.hasPrefix(".target(") || item.hasPrefix(".byName(") {
        let inner = PackageScanner.split(
          try PackageScanner.balanced(item[item.index(after: item.firstIndex(of: "(")!)...], closing: ")"))
        guard let nameValue = inner.first(where: { $0.label == "name" })?.value,
          let name = PackageScanner.stringLiteral(nameValue)
        else { throw ParseError(description: "a dependency of `\(target)` without a literal name: \(item)") }
        names.append(name)
      } else if !item.hasPrefix(".product(") {
        throw ParseError(description: "a dependency of `\(target)` the test cannot read: \(item)")
      }
    }
    return names
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
      "\(location): `\(module)` imports `\(imported)`, which is not among its dependencies in Package.swift "
        + "(add it there only if the dependency is meant to be, and keep docs/architecture.md in step)"
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

  /// Every module `module` may reach through the allowed dependencies, itself excluded.
  func reachable(from module: String) -> Set<String> {
    var seen: Set<String> = []
    var queue = Array(allowed[module] ?? [])
    while let next = queue.popLast() {
      if seen.insert(next).inserted { queue += allowed[next] ?? [] }
    }
    seen.remove(module)
    return seen
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
