import ArgumentParser
import PluginHost

/// `--attach` and `--mtls-dir`: connect to a plugin started by hand instead of starting one.
struct AttachOptions: ParsableArguments {
  @Option(
    name: .customLong("attach"),
    help: ArgumentHelp(
      "Connect to a plugin that is already running (started by hand, e.g. under a debugger) instead of starting one.",
      discussion:
        "LINE is the handshake line it printed, or tcp:HOST:PORT, or unix:PATH. No process control: the stop sends "
        + "Shutdown only and never kills it. Start it with the environment `plugin-dev env` prints.",
      valueName: "line"))
  var attach: String?

  @Option(
    name: .customLong("mtls-dir"),
    help: ArgumentHelp(
      "With --attach to an AutoMTLS plugin: the folder where `plugin-dev env` wrote the host's key and certificate.",
      valueName: "folder"))
  var mtlsDirectory: String?

  /// Refuses combinations that make no sense with `--attach`.
  func validate(target: String?, command: [String], autoMTLS: Bool) throws {
    guard attach != nil else {
      if mtlsDirectory != nil { throw ValidationError("--mtls-dir goes with --attach") }
      return
    }
    if target != nil || !command.isEmpty {
      throw ValidationError("--attach connects to a running plugin: give no TARGET or command")
    }
    if autoMTLS {
      throw ValidationError(
        "--attach with --auto-mtls: the plugin already has its host certificate; give --mtls-dir with the files `plugin-dev env --auto-mtls` wrote"
      )
    }
  }

  /// The plugin to attach to, nil without `--attach`.
  func target() throws -> AttachTarget? {
    guard let attach else { return nil }
    do {
      return try AttachTarget.parse(attach, mtlsDirectory: mtlsDirectory)
    } catch {
      throw ValidationError(error.description)
    }
  }
}
