import ArgumentParser
import Foundation
import PluginHost
import PluginProtocol

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The plugin to start, as run, check and env take it: a TARGET (a plugin folder or an
/// executable) or a command line after `--`; neither: the built-in Swift KV plugin.
struct PluginTargetArguments: ParsableArguments {
  @Argument(help: "Plugin folder (with plugin.json) or executable. Default: the built-in Swift KV plugin.")
  var target: String?

  @Argument(parsing: .postTerminator, help: "A command line to run as the plugin (after --).")
  var command: [String] = []

  func validate() throws {
    if target != nil && !command.isEmpty {
      throw ValidationError("give either a TARGET or a command after --, not both")
    }
  }

  /// The target and a cleanup to call when done (see `resolvePluginTarget`).
  func resolve() throws(PluginTargetError) -> (PluginTarget, @Sendable () -> Void) {
    try resolvePluginTarget(target, command: command)
  }
}

/// Resolves the plugin `run` and `check` start: a command after `--`, a folder or executable,
/// or (neither) the built-in Swift KV plugin with a temporary store folder.
///
/// Returns the target and a cleanup to call when done (removes the built-in plugin's store).
func resolvePluginTarget(_ path: String?, command: [String]) throws(PluginTargetError) -> (
  PluginTarget, @Sendable () -> Void
) {
  if !command.isEmpty { return (PluginTarget.commandLine(command), {}) }
  if let path { return (try PluginTarget.resolve(path), {}) }
  // An unguessable 0700 folder: a folder or link planted at a predictable path is never used.
  let directory: PrivateDirectory
  do {
    directory = try PrivateDirectory.make(prefix: "plugin-dev-kv-")
  } catch {
    throw .storeUnavailable(error.description)
  }
  let store = URL(fileURLWithPath: directory.path, isDirectory: true)
  let target = PluginTarget(
    name: "kv-swift (built in)", command: .arguments([ownExecutable(), "example-kv-plugin"]),
    folder: URL(fileURLWithPath: FileManager.default.currentDirectoryPath), workingDirectory: store,
    environment: ["KV_STORE_DIR": store.path])
  return (target, { directory.remove() })
}

/// Checks a TARGET path while the arguments are validated, so a missing or broken one is reported
/// with the subcommand's usage (`plugin-dev run --help`), not the root's.
func validateTargetPath(_ path: String?) throws {
  guard let path else { return }
  do {
    _ = try PluginTarget.resolve(path)
  } catch {
    throw ValidationError(error.description)
  }
}

/// The path of the running plugin-dev binary.
func ownExecutable() -> String {
  #if os(Linux)
    let resolved = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
    if resolved != "/proc/self/exe" { return resolved }
  #endif
  return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
}
