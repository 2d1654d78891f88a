import ArgumentParser
import Capture
import Foundation
import PluginHost
import PluginProtocol
import PluginSession
import TerminalUI
import WireTap

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `plugin-dev run`: start a plugin like a go-plugin host and show everything it does.
struct Run: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a plugin like a go-plugin host: handshake diagnosis, health, stderr, decoded gRPC frames.",
    discussion: """
      TARGET is a plugin folder with a plugin.json, or an executable; or give a command after `--`. \
      With no target, plugin-dev runs its built-in Swift KV plugin (Examples/kv-swift). \
      Opens the TUI when stdout is a terminal; prints events as lines with --headless (or when piped).

      Examples:
        plugin-dev run ./kv-plugin
        plugin-dev run --headless --exec 'put a hi' --exec 'get a' ./kv
        plugin-dev run --headless --json --for 5s -- python3 plugin.py
        plugin-dev run --headless --pcap kv.pcapng --exec 'get a' ./kv   (then: tshark -r kv.pcapng -d tcp.port==50051,http2)

      Exit status (headless): 0 ok, 1 a call failed or the plugin died, 2 build or handshake failed, \
      64 a usage error (a bad option).
      """
  )

  @OptionGroup var plugin: PluginTargetArguments

  @OptionGroup var host: HostArguments

  @OptionGroup var runHost: RunHostArguments

  @OptionGroup(title: "Schemas") var schemaSources: SchemaArguments

  @Flag(help: "Print events as lines instead of opening the TUI.")
  var headless = false

  @Flag(help: "With --headless: print JSON lines (one object per event).")
  var json = false

  @Option(
    name: .customLong("exec"),
    help:
      "Run a console command once ready, e.g. 'put a hello', 'get a', 'health' (repeatable, in order); the TUI shows them in its console."
  )
  var execs: [String] = []

  @Option(
    name: .customLong("for"),
    help:
      "With --headless: keep running this long (e.g. 5s), then stop. Default: stop after the --exec commands, or run until Ctrl-C."
  )
  var runFor: DurationArgument?

  @Flag(name: .customLong("no-frames"), help: "With --headless: do not print decoded frames.")
  var noFrames = false

  @Flag(name: .customLong("every-health"), help: "With --headless: print every health check, not only changes.")
  var everyHealth = false

  @Option(
    name: .customLong("health-interval"),
    help: "Time between health checks (0 turns them off; default 1s, off for a host profile that never checks health).")
  var healthInterval: DurationArgument?

  @Option(name: .customLong("frame-limit"), help: "Frames kept in the frame log (oldest dropped).")
  var frameLimit: Int = 100_000

  @Option(
    name: .customLong("export"),
    help: ArgumentHelp(
      "Record the session to this file as it happens: handshake, logs, health, calls and every frame, as JSON lines.",
      discussion: "The same log `wrap --log` writes (docs/log-format.md); read it with `plugin-dev view FILE`.",
      valueName: "file"))
  var exportPath: String?

  @Option(
    name: .customLong("pcap"),
    help: ArgumentHelp(
      "Write the relay's traffic as pcapng to this file as it happens, for Wireshark or tshark.",
      discussion:
        "One TCP flow per relay connection (synthesized headers, real timestamps); plugin-dev prints the tshark command "
        + "to read it: tshark -r FILE -d tcp.port==PORT,http2 (PORT: the plugin's TCP port, or 50051 for a unix socket).",
      valueName: "file"))
  var pcapPath: String?

  @Option(
    name: .customLong("call-timeout"),
    help: ArgumentHelp(
      "How long a console call (get, put, call) may take before it fails: a duration (15s, 2m) or none.",
      discussion: "Default 15s, and none with --attach, where a handler may be held at a debugger's breakpoint.",
      valueName: "duration|none"))
  var callTimeout: CallTimeoutArgument?

  @Flag(name: .customLong("no-tap"), help: "Connect to the plugin directly, without the decoding relay (no frame log).")
  var noTap = false

  @Flag(
    name: .customLong("serve"),
    help: ArgumentHelp(
      "Keep the plugin up for a real host too: print a reattach config that points the host at the tap.",
      discussion:
        "go-plugin's ReattachConfig as JSON (the shape of Terraform's TF_REATTACH_PROVIDERS entries), and with "
        + "--host terraform and --provider-address the export line. The host and the console use the plugin at "
        + "once; the frame log marks the host's frames host#N. Under AutoMTLS the host's side is plaintext "
        + "(reattaching hosts exchange no certificate) and the relay talks mutual TLS to the plugin."))
  var serve = false

  @Option(
    name: .customLong("provider-address"),
    help: ArgumentHelp(
      "With --serve --host terraform: the provider's source address in the TF_REATTACH_PROVIDERS line.",
      valueName: "registry.terraform.io/NAMESPACE/NAME"))
  var providerAddress: String?

  @OptionGroup var attachment: AttachOptions

  func validate() throws {
    if serve && noTap { throw ValidationError("--serve points a host at the tap, and --no-tap turns it off: drop one") }
    if serve && attachment.attach != nil {
      throw ValidationError("--serve needs plugin-dev to start the plugin (a host watches its pid); drop --attach")
    }
    if providerAddress != nil && !serve { throw ValidationError("--provider-address goes with --serve") }
    try attachment.validate(target: plugin.target, command: plugin.command, autoMTLS: runHost.autoMTLS)
    if pcapPath != nil && noTap {
      throw ValidationError("--pcap records the decoding relay's traffic, and --no-tap turns the relay off: drop one")
    }
    if frameLimit < 1 { throw ValidationError("--frame-limit must be at least 1") }
    if attachment.attach == nil { try validateTargetPath(plugin.target) }
    if json && !headless && isatty(STDOUT_FILENO) == 1 { throw ValidationError("--json needs --headless") }
  }

  func run() async throws {
    // A closed stdout (e.g. `| head`) must end the session cleanly, not kill plugin-dev mid-way.
    signal(SIGPIPE, SIG_IGN)
    let attach = try attachment.target()
    let (pluginTarget, cleanup): (PluginTarget, @Sendable () -> Void)
    if let attach {
      (pluginTarget, cleanup) = (attach.pluginTarget, {})
    } else {
      do {
        (pluginTarget, cleanup) = try plugin.resolve()
      } catch {
        throw ValidationError(error.description)
      }
    }
    defer { cleanup() }
    var options = SessionOptions()
    options.host = try host.hostOptions(for: pluginTarget)
    try runHost.apply(to: &options.host)
    options.attach = attach
    if attach != nil { options.runBuild = false }
    if let skipped = host.skipForeignBuild(of: pluginTarget, in: &options.host) { writeLine(stderr: true, skipped) }
    if let healthInterval {
      options.healthInterval = healthInterval.duration == .zero ? nil : healthInterval.duration
      options.healthOnce = false
    }
    options.callTimeout = callTimeout.map(\.duration) ?? (options.attach == nil ? Session.callTimeout : nil)
    options.tap = !noTap
    options.serve = serve
    options.providerAddress = providerAddress
    options.schemas = schemaSources.options
    let schemas = try await schemaSources.load(manifestProtos: pluginTarget.protos)
    if let pcapPath {
      // Fail before the plugin starts when the file cannot be made (the session writes it from the first connection).
      do {
        try PcapngFile(path: pcapPath).close()
      } catch {
        throw ValidationError(error.description)
      }
      options.pcapPath = pcapPath
    }
    var recorder: SessionRecorder?
    if let exportPath {
      // Fail before the plugin starts when the file cannot be made.
      do {
        recorder = try SessionRecorder(
          path: (exportPath as NSString).expandingTildeInPath,
          header: RecordingHeader(
            writer: "run", hostPid: getpid(), hostCommand: CommandLine.arguments.joined(separator: " "),
            plugin: pluginTarget.name, command: [pluginTarget.command.description], autoMTLS: options.autoMTLS))
      } catch {
        throw ValidationError("--export: \(error)")
      }
    }
    let session = Session(target: pluginTarget, options: options, recorder: recorder, schemas: schemas)
    let interactive = !headless && isatty(STDOUT_FILENO) == 1 && isatty(STDIN_FILENO) == 1
    if interactive {
      var code = try await TUIApp(session: session, frameLimit: frameLimit, execs: execs).run()
      if let recorded = HeadlessRunner.recordingSummary(recorder) {
        writeLine(stderr: true, recorded.text)
        if recorded.failed { code = max(code, 1) }
      }
      if code != 0 { throw ExitCode(code) }
      return
    }
    let runner = HeadlessRunner(
      session: session, json: json, showFrames: !noFrames, everyHealth: everyHealth, execs: execs,
      runFor: runFor?.duration, keepServing: serve)
    let code = await runner.run()
    if code != 0 { throw ExitCode(code) }
  }
}

/// Writes one line to stdout or stderr immediately (no buffering, so pipes see lines as they
/// happen); false when the reader has gone (EPIPE), so the caller can stop cleanly.
///
/// Control characters are escaped (`TerminalText`): what a plugin prints never drives the
/// user's terminal. JSON lines are unchanged (JSON already escapes them).
@discardableResult
func writeLine(stderr: Bool = false, _ text: String) -> Bool {
  let bytes = Array((TerminalText.escapingControls(text) + "\n").utf8)
  let fd = stderr ? STDERR_FILENO : STDOUT_FILENO
  var offset = 0
  while offset < bytes.count {
    let written = bytes.withUnsafeBytes { raw -> Int in
      guard let base = raw.baseAddress else { return 0 }
      return write(fd, base + offset, raw.count - offset)
    }
    if written < 0 && errno == EINTR { continue }
    if written <= 0 { return false }
    offset += written
  }
  return true
}
