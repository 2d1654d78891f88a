import Foundation
import PluginHost

#if canImport(Glibc)
import Glibc
#endif

/// Resolves the plugin `run` and `check` start: a command after `--`, a folder or executable,
/// or (neither) the built-in Swift KV plugin with a temporary store folder.
///
/// Returns the target and a cleanup to call when done (removes the built-in plugin's store).
func resolvePluginTarget(_ path: String?, command: [String]) throws(PluginTargetError) -> (PluginTarget, @Sendable () -> Void) {
  if !command.isEmpty { return (PluginTarget.commandLine(command), {}) }
  if let path { return (try PluginTarget.resolve(path), {}) }
  let store = FileManager.default.temporaryDirectory.appendingPathComponent("plugin-dev-kv-\(getpid())")
  try? FileManager.default.createDirectory(at: store, withIntermediateDirectories: true)
  let target = PluginTarget(
    name: "kv-swift (built in)", command: .arguments([ownExecutable(), "example-kv-plugin"]),
    folder: URL(fileURLWithPath: FileManager.default.currentDirectoryPath), workingDirectory: store,
    environment: ["KV_STORE_DIR": store.path])
  return (target, { try? FileManager.default.removeItem(at: store) })
}

/// The path of the running plugin-dev binary.
func ownExecutable() -> String {
  let resolved = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
  if resolved != "/proc/self/exe" { return resolved }
  return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
}
