import Foundation

/// The module map: which first-party modules each module may import, read from `Package.swift`
/// and from the manifests of the packages it depends on by path (PluginProtocol/).
///
/// A module may import exactly the first-party targets its `.target(name: …, dependencies: [...])`
/// entry lists: the quoted names (and `.target(name:)`, `.byName(name:)`) that are other targets of
/// the package, and the libraries of a first-party package (`.product(name:package:)` naming a path
/// dependency, written in place or as a `let x: Target.Dependency` constant of the manifest), which
/// stand for their targets. Other `.product(...)` entries are other packages' libraries, not
/// first-party. Test targets are not modules of the map. docs/architecture.md describes the same map
/// for people.
struct ModuleMap: Equatable {
  /// Module (target) name → the first-party modules it may import.
  var allowed: [String: Set<String>]
  /// Module (target) name → its folder, relative to the package root.
  var paths: [String: String] = [:]
  /// The package's own libraries: product name → its targets.
  var products: [String: [String]] = [:]

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

  /// Reads the manifest in `folder` (relative to the root; "" for the root) and, first, the manifests
  /// of the packages it depends on by path, into one map whose paths are relative to the root.
  static func load(folder: String = "", read: (String) throws -> String) throws -> ModuleMap {
    let prefix = folder.isEmpty ? "" : folder + "/"
    let manifest = try read(prefix + "Package.swift")
    var packages: [String: ModuleMap] = [:]
    for (name, path) in try PackageScanner.pathDependencies(in: PackageScanner.strippingComments(manifest)) {
      guard !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
        throw ParseError(description: "the path dependency '\(path)' is not a folder inside the package")
      }
      packages[name] = try load(folder: prefix + path, read: read)
    }
    var map = try parse(manifest: manifest, packages: packages)
    map.paths = map.paths.mapValues { prefix + $0 }
    for inner in packages.values {
      for (module, allowed) in inner.allowed {
        guard map.allowed[module] == nil else { throw ParseError(description: "`\(module)` is declared twice") }
        map.allowed[module] = allowed
        map.paths[module] = inner.paths[module]
      }
    }
    return map
  }

  /// Parses the `targets: [...]` (and `products: [...]`) argument of a manifest's `Package(...)`;
  /// `packages` are the maps of its path dependencies, by the name its `.product(package:)` uses.
  static func parse(manifest: String, packages: [String: ModuleMap] = [:]) throws -> ModuleMap {
    let text = PackageScanner.strippingComments(manifest)
    guard let open = text.range(of: "Package(") else {
      throw ParseError(description: "Package.swift has no 'Package(' call")
    }
    let constants = try PackageScanner.dependencyConstants(in: text[..<open.lowerBound])
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
        dependencies = try dependencyNames(value, of: name, constants: constants, packages: packages)
      }
      let path = targetArguments.first(where: { $0.label == "path" }).flatMap {
        PackageScanner.stringLiteral($0.value)
      }
      declared.append((kind, name, dependencies, path ?? (kind == "testTarget" ? "Tests/" : "Sources/") + name))
    }
    let targetNames = Set(declared.map(\.name))
    let packageModules = packages.values.reduce(into: Set<String>()) { $0.formUnion($1.modules) }
    var allowed: [String: Set<String>] = [:]
    var paths: [String: String] = [:]
    for target in declared where moduleKinds.contains(target.kind) {
      guard allowed[target.name] == nil else { throw ParseError(description: "`\(target.name)` is declared twice") }
      allowed[target.name] = Set(target.dependencies.filter { targetNames.contains($0) || packageModules.contains($0) })
      paths[target.name] = target.path
    }
    if allowed.isEmpty { throw ParseError(description: "Package.swift declares no target") }
    for (module, used) in allowed {
      for name in used where allowed[name] == nil && !packageModules.contains(name) {
        throw ParseError(description: "`\(module)` depends on `\(name)`, which is not a module (a test target?)")
      }
    }
    var products: [String: [String]] = [:]
    if let value = arguments.first(where: { $0.label == "products" })?.value {
      for call in try PackageScanner.calls(".library(", in: Substring(value)) {
        let productArguments = PackageScanner.split(call)
        guard let nameValue = productArguments.first(where: { $0.label == "name" })?.value,
          let product = PackageScanner.stringLiteral(nameValue),
          let targetsValue = productArguments.first(where: { $0.label == "targets" })?.value
        else { throw ParseError(description: "a '.library' the test cannot read: \(call.prefix(80))") }
        products[product] = try dependencyNames(targetsValue, of: product, constants: [:], packages: [:])
      }
    }
    return ModuleMap(allowed: allowed, paths: paths, products: products)
  }

  /// The first-party candidates of a `dependencies: [...]` value: quoted names, `.target(name:)`,
  /// `.byName(name:)`, and the targets of a library of a path dependency (`.product(name:package:)`
  /// with `package` among `packages`, or a constant of `constants` standing for one); other
  /// `.product(...)` entries are skipped. A quoted name that is a library of a path dependency
  /// stands for its targets too, as SwiftPM resolves it.
  static func dependencyNames(
    _ value: String, of target: String, constants: [String: String], packages: [String: ModuleMap]
  ) throws -> [String] {
    let list = value.trimmingCharacters(in: .whitespacesAndNewlines)
    guard list.hasPrefix("["), list.hasSuffix("]") else {
      throw ParseError(description: "the dependencies of `\(target)` are not an array literal")
    }
    var names: [String] = []
    for element in PackageScanner.split(Substring(list.dropFirst().dropLast())) {
      var item = element.value.trimmingCharacters(in: .whitespacesAndNewlines)
      if let constant = constants[item] { item = constant }
      if let name = PackageScanner.stringLiteral(item) {
        names += packages.values.lazy.compactMap { $0.products[name] }.first ?? [name]
      } else if item.hasPrefix(".product(") {
        let inner = PackageScanner.split(
          try PackageScanner.balanced(item[item.index(after: item.firstIndex(of: "(")!)...], closing: ")"))
        guard let packageValue = inner.first(where: { $0.label == "package" })?.value,
          let package = PackageScanner.stringLiteral(packageValue), let map = packages[package]
        else { continue }
        guard let nameValue = inner.first(where: { $0.label == "name" })?.value,
          let name = PackageScanner.stringLiteral(nameValue), let targets = map.products[name]
        else { throw ParseError(description: "`\(target)` uses a library its path dependency lacks: \(item)") }
        names += targets
      } else if item.hasPrefix(".target(") || item.hasPrefix(".byName(") {
        let inner = PackageScanner.split(
          try PackageScanner.balanced(item[item.index(after: item.firstIndex(of: "(")!)...], closing: ")"))
        guard let nameValue = inner.first(where: { $0.label == "name" })?.value,
          let name = PackageScanner.stringLiteral(nameValue)
        else { throw ParseError(description: "a dependency of `\(target)` without a literal name: \(item)") }
        names.append(name)
      } else {
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
