import ArgumentParser
import Foundation
import PluginHost
import PluginSession
import PluginWrap

/// `plugin-dev wrap`: put where a host expects the plugin's command.
struct Wrap: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "wrap",
    abstract: "Stand between a real go-plugin host and a plugin, and log what they say.",
    discussion: """
      Give the host `plugin-dev wrap --log FILE -- COMMAND ARGS…` as the plugin's command. wrap \
      starts the plugin with the host's environment, relays the plugin's handshake pointing at a \
      decoding relay, copies its stderr and exit status, and writes every decoded frame to FILE.
      """
  )

  @Option(
    name: .customLong("log"),
    help:
      "Record the session to this file as it happens (JSON lines, written as it happens); read it with `plugin-dev view FILE`."
  )
  var logPath: String?

  @Option(
    name: .customLong("pcap"),
    help: "Write the relay's traffic as pcapng to this file as it happens, for Wireshark or tshark.")
  var pcapPath: String?

  @Option(
    name: .customLong("host"),
    help: ArgumentHelp(
      "The host wrap runs under (a profile name or file, see `plugin-dev hosts`): named in the log, and a note when its cookie is missing.",
      valueName: "NAME|FILE"))
  var hostProfile: String?

  @Argument(parsing: .postTerminator, help: "The plugin's command and arguments (after --).")
  var command: [String] = []

  func validate() throws {
    guard !command.isEmpty else {
      throw ValidationError("give the plugin's command after --: plugin-dev wrap -- ./kv-plugin")
    }
  }

  func run() async throws {
    var profile: HostProfile?
    if let hostProfile {
      do { profile = try ShippedFiles.hostProfiles().resolve(hostProfile) } catch {
        throw ValidationError(error.description)
      }
    }
    var log: SessionRecorder?
    if let logPath {
      let host = getppid()
      do {
        log = try SessionRecorder(
          path: (logPath as NSString).expandingTildeInPath,
          header: RecordingHeader(
            writer: "wrap", hostPid: host, hostCommand: RecordingHeader.commandLine(ofProcess: host), command: command,
            autoMTLS: !(ProcessInfo.processInfo.environment["PLUGIN_CLIENT_CERT"] ?? "").isEmpty))
      } catch {
        throw ValidationError("--log: \(error)")
      }
    }
    let wrapper = Wrapper(
      executable: command[0], arguments: Array(command.dropFirst()), log: log,
      pcapPath: pcapPath.map { ($0 as NSString).expandingTildeInPath }, output: .standard, profile: profile)
    endLikePlugin(await wrapper.run())
  }
}
