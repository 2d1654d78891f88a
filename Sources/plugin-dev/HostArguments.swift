import ArgumentParser
import Foundation
import PluginHost
import PluginProtocol
import PluginSession

/// Options that change how the plugin is started (shared by `run` and `check`; what only `run`
/// takes is in `RunHostArguments`, since `check` does those itself).
struct HostArguments: ParsableArguments {
  @Option(
    name: .customLong("host"),
    help: ArgumentHelp(
      "Act as this real host: its cookie, protocol versions, AutoMTLS and health checks, in one word.",
      discussion:
        "A built-in profile (terraform, grafana, vault and others: `plugin-dev hosts` lists them) or a profile file "
        + "(./my-host.json). Without it, plugin.json's \"host\" is used, else a generic go-plugin host. "
        + "The other options given here win over the profile's.",
      valueName: "NAME|FILE"))
  var hostProfile: String?

  @Option(name: .customLong("timeout"), help: "Handshake timeout, like go-plugin's StartTimeout (e.g. 60s, 500ms).")
  var handshakeTimeout: DurationArgument = DurationArgument(.seconds(60))

  @Option(
    name: .customLong("cookie"),
    help: ArgumentHelp(
      "Send this magic cookie: KEY=VALUE (the variable and its value), or a VALUE for the manifest's variable.",
      discussion: "A host's cookie is one environment variable, e.g. --cookie TF_PLUGIN_MAGIC_COOKIE=d602bf8f….",
      valueName: "KEY=VALUE|VALUE"))
  var cookie: String?

  @Option(
    name: .customLong("versions"), help: "App protocol versions to offer in PLUGIN_PROTOCOL_VERSIONS, e.g. 1 or 5,6.")
  var versions: String?

  @Option(
    name: .customLong("min-port"),
    help: "PLUGIN_MIN_PORT, the lowest TCP port the plugin may listen on (run: 10000; check: a random 100-port window)."
  )
  var minPort: Int?

  @Option(
    name: .customLong("max-port"),
    help:
      "PLUGIN_MAX_PORT, the highest TCP port the plugin may listen on (run: 25000; check: a random 100-port window).")
  var maxPort: Int?

  /// Whether `--min-port` or `--max-port` was given (even with go-plugin's default value).
  var portRangeGiven: Bool { minPort != nil || maxPort != nil }

  @Option(
    name: .customLong("socket-dir"),
    help: ArgumentHelp(
      "Make each start's unix-socket folder inside this folder and name it in PLUGIN_UNIX_SOCKET_DIR.",
      discussion:
        "Like a go-plugin host with UnixSocketConfig.TempDir and a RunnerFunc (the only case in which go-plugin "
        + "sends PLUGIN_UNIX_SOCKET_DIR); the folder is removed when the plugin ends.",
      valueName: "folder"))
  var socketDirectory: String?

  @Option(
    name: .customLong("socket-group"),
    help: ArgumentHelp(
      "Set PLUGIN_UNIX_SOCKET_GROUP (a group name or gid), like a host with UnixSocketConfig.Group.",
      discussion:
        "The plugin gives its socket to the group (0660); with --socket-dir the folder is the group's too (0770).",
      valueName: "group"))
  var socketGroup: String?

  @Flag(
    name: .customLong("skip-host-env"),
    help:
      "Like a host with SkipHostEnv: the plugin inherits none of plugin-dev's environment, only the target's variables, --env and the go-plugin variables."
  )
  var skipHostEnvironment = false

  @Option(name: .customLong("env"), help: "Extra environment for the plugin, KEY=VALUE (repeatable).")
  var environment: [String] = []

  @Option(
    name: .customLong("unset"),
    help:
      "Remove a variable from the plugin's environment (repeatable). PYTHONUNBUFFERED is always removed unless --env sets it."
  )
  var unset: [String] = []

  @Flag(name: .customLong("no-build"), help: "Skip the manifest's build step.")
  var noBuild = false

  @Flag(
    name: .customLong("build"),
    help:
      "Run the manifest's build step even when the plugin folder belongs to another user (without it, such a folder's build step is not run)."
  )
  var build = false

  /// Skips the build step of a folder another user owns unless `--build` was given; returns the
  /// line saying so (nil when nothing was skipped).
  func skipForeignBuild(of target: PluginTarget, in options: inout HostOptions) -> String? {
    guard options.runBuild, !build, let step = target.build, let owner = target.foreignOwner else { return nil }
    options.runBuild = false
    return
      "plugin-dev: did not run the build step `\(step.description)` of \(target.folder.path): the folder belongs to"
      + " \(owner), and the step would run as you. Read its plugin.json, then give --build to run it (or build it yourself)."
  }

  /// The host profile in force for `target`: `--host`'s, else its plugin.json's `"host"` (a file
  /// named there is relative to the plugin's folder); nil: a generic go-plugin host.
  func profile(for target: PluginTarget?) throws -> HostProfile? {
    let profiles = ShippedFiles.hostProfiles()
    do {
      if let hostProfile { return try profiles.resolve(hostProfile) }
      if let target, let named = target.hostProfile {
        return try profiles.resolve(named, currentDirectory: target.folder)
      }
    } catch {
      throw ValidationError(error.description)
    }
    return nil
  }

  /// The host options these flags describe for `target`: its host profile first, then the flags.
  func hostOptions(for target: PluginTarget?) throws -> HostOptions {
    if build && noBuild { throw ValidationError("--build and --no-build contradict each other: give one") }
    var options = HostOptions()
    if let profile = try profile(for: target) { options.act(as: profile) }
    options.handshakeTimeout = handshakeTimeout.duration
    if let cookie {
      (options.cookieKey, options.cookieValue) = Self.splitCookie(cookie)
    }
    if let versions {
      var list: [Int] = []
      for part in versions.split(separator: ",") {
        guard let value = Int(part.trimmingCharacters(in: .whitespaces)) else {
          throw ValidationError("--versions '\(versions)': give comma-separated integers, e.g. 1 or 5,6")
        }
        list.append(value)
      }
      options.protocolVersions = list
    }
    let low = minPort ?? PluginEnvironment.defaultPortRange.lowerBound
    let high = maxPort ?? PluginEnvironment.defaultPortRange.upperBound
    guard (0...65535).contains(low), (0...65535).contains(high), low <= high else {
      throw ValidationError("--min-port \(low) / --max-port \(high): ports are 0–65535 and min ≤ max")
    }
    options.portRange = low...high
    if let socketDirectory {
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: socketDirectory, isDirectory: &isFolder), isFolder.boolValue else {
        throw ValidationError("--socket-dir \(socketDirectory): no such folder (go-plugin expects it to exist)")
      }
      options.unixSocketBaseDirectory = socketDirectory
    }
    if let socketGroup {
      guard UnixGroup.id(socketGroup) != nil else {
        throw ValidationError("--socket-group \(socketGroup): no such group on this machine (give a name or a gid)")
      }
      options.unixSocketGroup = socketGroup
    }
    options.skipHostEnvironment = skipHostEnvironment
    for pair in environment {
      guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
        throw ValidationError("--env '\(pair)': use KEY=VALUE")
      }
      options.extraEnvironment[String(pair[..<eq])] = String(pair[pair.index(after: eq)...])
    }
    options.removedEnvironment = unset
    options.runBuild = !noBuild
    return options
  }
}

extension HostArguments {
  /// `KEY=VALUE` (KEY an environment variable name) → both; anything else is a value alone.
  static func splitCookie(_ text: String) -> (key: String?, value: String) {
    guard let equals = text.firstIndex(of: "=") else { return (nil, text) }
    let key = text[..<equals]
    let isName =
      key.first.map { $0 == "_" || ($0.isASCII && $0.isLetter) } == true
      && key.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
    return isName ? (String(key), String(text[text.index(after: equals)...])) : (nil, text)
  }
}

/// A duration on the command line: `5s`, `500ms`, `2m`, or plain seconds.
struct DurationArgument: ExpressibleByArgument, Sendable {
  var duration: Duration

  init(_ duration: Duration) {
    self.duration = duration
  }

  init?(argument: String) {
    let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
    let units: [(String, Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
    for (suffix, scale) in units where text.hasSuffix(suffix) {
      guard let value = Double(text.dropLast(suffix.count)), value >= 0 else { return nil }
      duration = .milliseconds(Int64(value * scale * 1000))
      return
    }
    guard let value = Double(text), value >= 0 else { return nil }
    duration = .milliseconds(Int64(value * 1000))
  }

  var defaultValueDescription: String { "\(duration)" }
}

/// `--call-timeout`: a duration, or `none` for no deadline.
struct CallTimeoutArgument: ExpressibleByArgument, Sendable {
  var duration: Duration?

  init?(argument: String) {
    if argument.trimmingCharacters(in: .whitespaces).lowercased() == "none" {
      duration = nil
    } else if let parsed = DurationArgument(argument: argument), parsed.duration > .zero {
      duration = parsed.duration
    } else {
      return nil
    }
  }
}

/// What only `run` (and `env`) takes: `check` starts the plugin without its cookie and with AutoMTLS by itself.
struct RunHostArguments: ParsableArguments {
  @Flag(name: .customLong("no-cookie"), help: "Do not send the magic cookie (to test the plugin's cookie check).")
  var noCookie = false

  @Flag(
    name: .customLong("auto-mtls"),
    help:
      "Act like a go-plugin host with AutoMTLS: send PLUGIN_CLIENT_CERT and talk mutual TLS (the frame log shows the decrypted traffic)."
  )
  var autoMTLS = false

  @Flag(
    name: .customLong("no-auto-mtls"),
    help: "Talk plaintext even when the host profile (--host) turns AutoMTLS on.")
  var noAutoMTLS = false

  /// Applies these flags to `options` (over its host profile's).
  func apply(to options: inout HostOptions) throws {
    if autoMTLS && noAutoMTLS {
      throw ValidationError("--auto-mtls and --no-auto-mtls contradict each other: give one")
    }
    options.sendCookie = !noCookie
    if autoMTLS { options.autoMTLS = true }
    if noAutoMTLS { options.autoMTLS = false }
  }
}
