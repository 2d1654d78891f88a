import ArgumentParser
import Foundation
import PluginCheck
import PluginHost
import PluginProtocol

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `plugin-dev check`: start a plugin like `run` does and run every check of docs/protocol.md §12 that applies.
struct Check: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Check a plugin against what go-plugin hosts expect: one line per check, non-zero exit on a failure.",
    discussion: """
      TARGET is a plugin folder with a plugin.json (its build step runs first unless --no-build), or an \
      executable; or give a command after `--`. With no target, plugin-dev checks its built-in Swift KV plugin.

      The plugin is started four times: with a go-plugin host's environment (a random 100-port \
      PLUGIN_MIN_PORT..PLUGIN_MAX_PORT window unless --min-port/--max-port are given), without its magic \
      cookie, offered only app versions it does not support, and with PLUGIN_CLIENT_CERT (AutoMTLS). \
      PYTHONUNBUFFERED is removed from its environment (--env PYTHONUNBUFFERED=1 keeps it) so buffered \
      stdout shows up as on a user's machine, and KV_STORE_DIR points to a temporary folder unless set.

      Checks: \(CheckID.allCases.map(\.rawValue).joined(separator: ", ")).

      Examples:
        plugin-dev check
        plugin-dev check ./kv-plugin
        plugin-dev check --json -- python3 plugin.py

      Exit status: 0 no check failed (warnings are fine), 1 a check failed, 2 the plugin could not be \
      started at all (target not found, build failed, not executable), 64 a usage error (a bad option).
      """
  )

  @OptionGroup var plugin: PluginTargetArguments

  @OptionGroup var host: HostArguments

  @OptionGroup var attachment: AttachOptions

  @Flag(help: "Print one JSON object per check and a summary object, instead of text lines.")
  var json = false

  /// `run`'s flag, taken only to say why check needs none.
  @Flag(name: .customLong("auto-mtls"), help: .hidden)
  var autoMTLS = false

  func validate() throws {
    if autoMTLS {
      throw ValidationError(
        "check runs AutoMTLS by itself: tls.auto-mtls starts the plugin once more with PLUGIN_CLIENT_CERT set and "
          + "talks mutual TLS to it; drop --auto-mtls")
    }
    try attachment.validate(target: plugin.target, command: plugin.command, autoMTLS: false)
  }

  func run() async throws {
    signal(SIGPIPE, SIG_IGN)
    let attach = try attachment.target()
    let resolved: (PluginTarget, @Sendable () -> Void)
    if let attach {
      resolved = (attach.pluginTarget, {})
    } else {
      do {
        resolved = try plugin.resolve()
      } catch {
        finish(
          CheckReport(target: plugin.target ?? plugin.command.first ?? "plugin", results: [], startFailure: "\(error)"))
        throw ExitCode(2)
      }
    }
    let (pluginTarget, cleanup) = resolved
    defer { cleanup() }

    var options = CheckOptions(host: try host.hostOptions(for: pluginTarget))
    if attach == nil, let skipped = host.skipForeignBuild(of: pluginTarget, in: &options.host) {
      writeLine(stderr: true, skipped)
    }
    options.host.attach = attach
    options.host.tap = false
    options.host.healthInterval = nil
    options.narrowPortRange = !host.portRangeGiven
    options.orphansTracked = ChildSubreaper.enable()

    // Ctrl-C, SIGTERM or SIGHUP mid-check: end every plugin process started, then exit.
    let signals = SignalRelay(signals: [SIGINT, SIGTERM, SIGHUP]) { number in
      PluginProcess.killAllRunning()
      cleanup()
      exitProcess(128 + number)
    }
    defer { signals.cancel() }

    let json = self.json
    let report = await PluginChecker(target: pluginTarget, options: options).run { progress in
      switch progress {
      case .buildStarted(let command):
        writeLine(stderr: true, "build     \(command)")
      case .buildOutput(let line, _):
        writeLine(stderr: true, "build   | \(line)")
      case .buildFinished(let status, let seconds):
        writeLine(
          stderr: true,
          String(format: "build     %@ after %.1f s", status.isSuccess ? "done" : "FAILED (\(status))", seconds))
      case .waitingForHandshake(let pid, let timeout):
        if !json {
          writeLine(
            stderr: true, "started   pid \(pid); waiting for its handshake line on stdout (up to \(timeout), --timeout)"
          )
        }
      case .result(let result):
        writeLine(json ? CheckReportFormatter.json(result) : CheckReportFormatter.text(result))
      }
    }
    finish(report)
    if report.exitCode != 0 { throw ExitCode(report.exitCode) }
  }

  /// Prints the summary line (text or JSON).
  private func finish(_ report: CheckReport) {
    if let failure = report.startFailure, !json { writeLine(stderr: true, "plugin-dev check: \(failure)") }
    writeLine(json ? CheckReportFormatter.summaryJSON(report) : CheckReportFormatter.summaryText(report))
  }
}

/// Ends plugin-dev at once with `status` (inside a command, a bare `exit` is ArgumentParser's).
private func exitProcess(_ status: Int32) -> Never {
  #if canImport(Glibc)
    Glibc.exit(status)
  #elseif canImport(Darwin)
    Darwin.exit(status)
  #endif
}
