import ArgumentParser
import Foundation
import PluginHost
import PluginProtocol

/// `plugin-dev env`: the environment a go-plugin host would give the plugin, to start it by hand.
struct Env: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Print the environment a go-plugin host gives the plugin, to start it yourself (dlv, pdb, lldb, an IDE).",
    discussion: """
      Prints `export` lines (or, with --json, one object) with exactly what `run` would set: the magic \
      cookie, PLUGIN_PROTOCOL_VERSIONS, PLUGIN_MIN_PORT/PLUGIN_MAX_PORT, the manifest's variables and --env; \
      `unset` lines for what `run` removes (PYTHONUNBUFFERED, --unset). TARGET and the host options are those \
      of `run`; nothing is built or started.

      With --auto-mtls it adds PLUGIN_CLIENT_CERT and writes the matching host key and certificate \
      (client-key.pem, client-cert.pem) to --mtls-dir (default: a new private folder under $TMPDIR), for a \
      later connection to the plugin with mutual TLS. With --socket-dir it makes the socket folder and leaves it.

      Examples:
        eval "$(plugin-dev env ./kv-plugin)" && dlv exec ./kv-plugin/kv
        plugin-dev env --json --auto-mtls -- python3 plugin.py
      """
  )

  @OptionGroup var plugin: PluginTargetArguments

  @OptionGroup var host: HostArguments

  @OptionGroup var runHost: RunHostArguments

  @Option(
    name: .customLong("mtls-dir"),
    help: ArgumentHelp("With --auto-mtls: write client-key.pem and client-cert.pem here.", valueName: "folder"))
  var mtlsDirectory: String?

  @Flag(help: "Print one JSON object instead of shell lines.")
  var json = false

  func validate() throws {
    try validateTargetPath(plugin.target)
  }

  func run() async throws {
    // The built-in plugin's store folder stays: the plugin is started later, by hand.
    let pluginTarget: PluginTarget
    do {
      (pluginTarget, _) = try plugin.resolve()
    } catch {
      throw ValidationError(error.description)
    }
    var options = try host.hostOptions(for: pluginTarget)
    try runHost.apply(to: &options)
    if mtlsDirectory != nil && !options.autoMTLS {
      throw ValidationError("--mtls-dir goes with --auto-mtls (or a --host profile that turns AutoMTLS on)")
    }
    let environment: HostEnvironment
    do {
      environment = try HostEnvironment.make(pluginTarget, options, mtlsDirectory: mtlsDirectory)
    } catch {
      throw ValidationError(error.description)
    }
    let launch = environment.launch
    if json {
      var object: [String: Any] = [
        "target": pluginTarget.name, "command": [launch.executable] + launch.arguments,
        "environment": launch.environment, "unset": launch.removedEnvironment.sorted(),
        "inheritsEnvironment": launch.inheritsEnvironment, "hostVariables": environment.hostVariables.keys.sorted(),
      ]
      object["workingDirectory"] = launch.workingDirectory
      object["socketDirectory"] = environment.socketDirectory
      object["clientKey"] = environment.clientKeyPath
      object["clientCertificate"] = environment.clientCertificatePath
      object["host"] = options.profile?.name
      let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
      print(String(decoding: data, as: UTF8.self))
      return
    }
    print(Self.shellLines(environment, target: pluginTarget, host: options.profile?.name).joined(separator: "\n"))
  }

  /// The `export`/`unset` lines, with comments saying how to start the plugin.
  static func shellLines(_ environment: HostEnvironment, target: PluginTarget, host: String? = nil) -> [String] {
    let launch = environment.launch
    let profile = host.map { " (--host \($0))" } ?? ""
    var lines = ["# what \(host ?? "a go-plugin host") gives \(target.name)\(profile); then start it yourself:"]
    let command = ([launch.executable] + launch.arguments).map(shellQuoted).joined(separator: " ")
    lines.append("#   cd \(shellQuoted(launch.workingDirectory ?? ".")) && \(command)")
    if let build = target.build { lines.append("# (build it first: \(build.description))") }
    if !launch.inheritsEnvironment {
      lines.append("# --skip-host-env: the host passes only these variables (start it under `env -i` with them)")
    }
    if let key = environment.clientKeyPath, let certificate = environment.clientCertificatePath {
      lines.append("# AutoMTLS: the host's key \(key) and certificate \(certificate)")
    }
    for key in launch.removedEnvironment.sorted() where launch.environment[key] == nil {
      lines.append("unset \(key)")
    }
    for (key, value) in launch.environment.sorted(by: { $0.key < $1.key }) {
      lines.append("export \(key)=\(shellQuoted(value))")
    }
    return lines
  }

  /// `value` in single quotes for sh (a `'` inside becomes `'\''`).
  static func shellQuoted(_ value: String) -> String {
    "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

}
