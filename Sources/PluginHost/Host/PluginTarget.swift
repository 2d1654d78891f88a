import Foundation
import PluginProtocol

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What `plugin-dev run` starts: a plugin folder with a manifest, an executable, or a command line.
public struct PluginTarget: Sendable, Equatable {
  /// Name shown in the UI.
  public var name: String
  /// The build step, run in `folder` before starting (folders with a manifest only).
  public var build: PluginManifest.Command?
  /// The plugin command.
  public var command: PluginManifest.Command
  /// Folder the build runs in and relative paths resolve against.
  public var folder: URL
  /// The plugin's working directory.
  public var workingDirectory: URL
  /// Extra environment from the manifest.
  public var environment: [String: String]
  /// The handshake settings (app versions and cookie).
  public var handshake: HandshakeConfig
  /// The manifest's `"protos"`, as absolute paths.
  public var protos: [String]
  /// The manifest's `"host"`: the host profile the plugin is written for (a name, or a file
  /// relative to `folder`); `--host` wins over it.
  public var hostProfile: String?

  /// Creates a target.
  public init(
    name: String, build: PluginManifest.Command? = nil, command: PluginManifest.Command, folder: URL,
    workingDirectory: URL? = nil, environment: [String: String] = [:], handshake: HandshakeConfig = .kvExample,
    protos: [String] = [], hostProfile: String? = nil
  ) {
    self.hostProfile = hostProfile
    self.protos = protos
    self.name = name
    self.build = build
    self.command = command
    self.folder = folder
    self.workingDirectory = workingDirectory ?? folder
    self.environment = environment
    self.handshake = handshake
  }

  /// Resolves a `run` argument: a folder (reads its `plugin.json`) or an executable file.
  public static func resolve(
    _ path: String, currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
  )
    throws(PluginTargetError) -> PluginTarget
  {
    let url = URL(fileURLWithPath: path, relativeTo: currentDirectory).standardizedFileURL
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
      throw .notFound(path)
    }
    if isDirectory.boolValue {
      let manifest: PluginManifest
      do { manifest = try PluginManifest.load(from: url) } catch { throw .manifest(error) }
      let workingDirectory = manifest.workingDirectory.map { url.appendingPathComponent($0).standardizedFileURL } ?? url
      var protos: [String] = []
      for entry in manifest.protos ?? [] { protos.append(try manifestProto(entry, in: url)) }
      return PluginTarget(
        name: manifest.name ?? url.lastPathComponent, build: manifest.build, command: manifest.command, folder: url,
        workingDirectory: workingDirectory, environment: manifest.environment ?? [:],
        handshake: manifest.effectiveHandshake, protos: protos, hostProfile: manifest.host)
    }
    guard FileManager.default.isExecutableFile(atPath: url.path) else { throw .notExecutable(path) }
    return PluginTarget(
      name: url.lastPathComponent, command: .arguments([url.path]), folder: url.deletingLastPathComponent(),
      workingDirectory: currentDirectory)
  }

  /// The absolute path of a plugin.json `"protos"` entry, refused when it (or a link on its way)
  /// leads outside the plugin's folder: a folder someone else made must not have plugin-dev read
  /// (and quote) any file of the user's; a file outside is given with `--proto` instead.
  static func manifestProto(_ entry: String, in folder: URL) throws(PluginTargetError) -> String {
    let path = folder.appendingPathComponent(entry).standardizedFileURL.path
    let root = realPath(folder.path)
    let resolved = realPath(path)
    guard !entry.hasPrefix("/"), resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
      throw .protoOutsideFolder(entry: entry, folder: folder.path)
    }
    return path
  }

  /// `path` with every link resolved (`realpath`), as far as it exists; the rest appended.
  private static func realPath(_ path: String) -> String {
    if let resolved = realpath(path, nil) {
      defer { free(resolved) }
      return String(cString: resolved)
    }
    let parent = (path as NSString).deletingLastPathComponent
    guard parent != path, !parent.isEmpty else { return path }
    return (realPath(parent) as NSString).appendingPathComponent((path as NSString).lastPathComponent)
  }

  /// Who owns the folder (or its plugin.json) when that is another user than this process's
  /// (`"nobody (uid 65534)"`): its build step is then not run unless asked for (`--build`).
  public var foreignOwner: String? {
    for path in [folder.path, folder.appendingPathComponent(PluginManifest.fileName).path] {
      var status = stat()
      guard stat(path, &status) == 0, status.st_uid != geteuid() else { continue }
      guard let entry = getpwuid(status.st_uid), let name = entry.pointee.pw_name else { return "uid \(status.st_uid)" }
      return "\(String(cString: name)) (uid \(status.st_uid))"
    }
    return nil
  }

  /// A command line given after `--`.
  public static func commandLine(
    _ arguments: [String], currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
  ) -> PluginTarget {
    PluginTarget(name: displayName(arguments), command: .arguments(arguments), folder: currentDirectory)
  }

  /// `plugin.py` for `python3 plugin.py`, `kv` for `./kv`: the script rather than its interpreter.
  static func displayName(_ arguments: [String]) -> String {
    let names = arguments.map { URL(fileURLWithPath: $0).lastPathComponent }
    guard let first = names.first else { return "plugin" }
    let interpreters = ["python", "python3", "node", "sh", "bash", "ruby", "perl", "java", "deno", "bun"]
    let isInterpreter = interpreters.contains(first) || first.hasPrefix("python3.")
    if isInterpreter, let script = arguments.dropFirst().first(where: { !$0.hasPrefix("-") }) {
      return URL(fileURLWithPath: script).lastPathComponent
    }
    return first
  }
}

/// Why a `run` target cannot be used.
public enum PluginTargetError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Nothing at that path.
  case notFound(String)
  /// A file that is not executable.
  case notExecutable(String)
  /// The folder's manifest is unusable.
  case manifest(PluginManifestError)
  /// The built-in plugin's private store folder could not be made.
  case storeUnavailable(String)
  /// A plugin.json `"protos"` entry leads outside the plugin's folder.
  case protoOutsideFolder(entry: String, folder: String)

  /// What happened and what to do.
  public var description: String {
    switch self {
    case .notFound(let path):
      return
        "\(path): no such file or folder. Give a plugin folder (with plugin.json), an executable, or `-- command args…`."
    case .notExecutable(let path):
      return
        "\(path): not executable. Run `chmod +x \(path)`, or give its folder with a plugin.json that says how to start it."
    case .manifest(let error):
      return error.description
    case .storeUnavailable(let reason):
      return "the built-in plugin needs a private store folder: \(reason)"
    case .protoOutsideFolder(let entry, let folder):
      return
        "\(folder)/plugin.json: the \"protos\" entry \"\(entry)\" leads outside the plugin folder; plugin-dev reads only"
        + " .proto files inside it from plugin.json. Move the file into the folder, or give it on the command line"
        + " with --proto."
    }
  }
}
