import Foundation
import PluginProtocol

/// How a host starts a plugin: the target's command in its folder, the target's variables, the
/// user's `--env`, then the go-plugin variables; the cookie removed when it is not sent, and
/// `PYTHONUNBUFFERED` removed unless asked for. `run`, `check` and every later host mode start
/// plugins through this one description.
package enum HostLaunch {
  /// The go-plugin variables the options ask for (with `PLUGIN_CLIENT_CERT` when given a
  /// certificate, and `PLUGIN_UNIX_SOCKET_DIR` when given the start's socket folder).
  package static func environment(
    _ target: PluginTarget, _ options: HostOptions, clientCertificatePEM: String? = nil,
    socketDirectory: String? = nil
  ) -> PluginEnvironment {
    PluginEnvironment.host(
      config: options.handshake(of: target), includeCookie: options.sendCookie,
      protocolVersions: options.protocolVersions, portRange: options.portRange,
      clientCertificatePEM: clientCertificatePEM, unixSocketDir: socketDirectory,
      unixSocketGroup: options.unixSocketGroup.flatMap { $0.isEmpty ? nil : $0 })
  }

  /// Makes the socket folder of one start inside `--socket-dir` (nil without it), as go-plugin
  /// makes `plugin-dir*` inside `UnixSocketConfig.TempDir`.
  package static func socketDirectory(_ options: HostOptions) throws(SocketFolder.Failure) -> SocketFolder? {
    guard let base = options.unixSocketBaseDirectory else { return nil }
    return try SocketFolder.make(in: base, group: options.unixSocketGroup)
  }

  /// The launch of `target` with `environment`.
  package static func launch(_ target: PluginTarget, _ options: HostOptions, environment: PluginEnvironment)
    -> PluginProcess.Launch
  {
    let (executable, arguments) = target.command.launchArguments(in: target.folder)
    var variables = target.environment.merging(options.extraEnvironment) { _, given in given }
    variables.merge(environment.variables) { _, host in host }
    var removed = options.removedEnvironment
    if !options.sendCookie {
      let key = options.handshake(of: target).magicCookieKey
      variables[key] = nil
      removed.append(key)
    }
    if let unbuffered = options.pythonUnbufferedToRemove(given: variables), !removed.contains(unbuffered) {
      removed.append(unbuffered)
    }
    return PluginProcess.Launch(
      executable: executable, arguments: arguments, environment: variables, removedEnvironment: removed,
      workingDirectory: target.workingDirectory.path, maxLineLength: options.maxLineLength,
      inheritsEnvironment: !options.skipHostEnvironment)
  }

  /// Variables the plugin inherits from plugin-dev's environment besides the ones shown.
  package static func inheritedCount(_ launch: PluginProcess.Launch, shown: [String: String]) -> Int {
    guard launch.inheritsEnvironment else { return 0 }
    return Set(ProcessInfo.processInfo.environment.keys).subtracting(launch.removedEnvironment).subtracting(shown.keys)
      .count
  }
}
