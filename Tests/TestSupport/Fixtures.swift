import Foundation
import PluginHost
import PluginProtocol

/// Paths of things tests run: the package, built executables, the Python venv, fixture plugins.
public enum Fixtures {
  /// The package root (the folder holding Package.swift).
  public static let packageRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url
  }()

  /// The folder holding this build's executables (next to the running test binary).
  public static let binDirectory: URL = {
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var dir = exe.deletingLastPathComponent()
    // On Linux the test runner is <bin>/<package>PackageTests.xctest.
    if dir.lastPathComponent.hasSuffix(".xctest") { dir.deleteLastPathComponent() }
    return dir
  }()

  /// A built executable product of this package.
  public static func executable(_ name: String) -> String {
    binDirectory.appendingPathComponent(name).path
  }

  /// The Python with grpcio installed: `$PLUGIN_DEV_PYTHON`, else `<root>/.venv/bin/python`.
  public static var python: String {
    if let explicit = ProcessInfo.processInfo.environment["PLUGIN_DEV_PYTHON"], !explicit.isEmpty { return explicit }
    return packageRoot.appendingPathComponent(".venv/bin/python").path
  }

  /// The Python with PyPI's `tf` framework (Tests/Fixtures/terraform/requirements.txt), which pins a
  /// protobuf older than grpcio-tools wants, so it has a venv of its own: `<root>/.venv-tf/bin/python`
  /// (Scripts/test.sh makes it).
  public static var terraformPython: String {
    packageRoot.appendingPathComponent(".venv-tf/bin/python").path
  }

  /// The Terraform provider written with `tf` (Tests/Fixtures/terraform/provider.py) as a command line.
  public static var terraformProvider: [String] {
    [terraformPython, packageRoot.appendingPathComponent("Tests/Fixtures/terraform/provider.py").path]
  }

  /// A launch of Examples/kv-swift.
  public static func kvSwift(network: String = "unix") -> PluginProcess.Launch {
    PluginProcess.Launch(executable: executable("kv-swift"), environment: ["KV_PLUGIN_NETWORK": network])
  }

  /// A launch of Examples/kv-python.
  public static func kvPython(network: String = "tcp") -> PluginProcess.Launch {
    PluginProcess.Launch(
      executable: python,
      arguments: [packageRoot.appendingPathComponent("Examples/kv-python/plugin.py").path],
      environment: ["KV_PLUGIN_NETWORK": network])
  }

  /// A fresh empty temporary folder.
  public static func temporaryDirectory(_ prefix: String = "plugin-dev-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
