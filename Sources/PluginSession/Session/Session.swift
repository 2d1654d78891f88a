import Foundation
import PluginHost
import PluginProtocol
import PluginSchemas
import Synchronization
import WireTap

/// `plugin-dev run`: one plugin under a `HostCore`, everything it does reported on `events` for
/// the TUI and the headless printer, and the console's calls.
///
/// The host core does the work (build, spawn, handshake, relay, connection, health, stop); the
/// session turns what it hears into `SessionEvent`s — stderr and `plugin.GRPCStdio` data parsed
/// as log lines — and adds restart and the console.
public actor Session {
  /// Everything the session reports, within a byte budget for slow readers; finishes after `.finished`.
  public nonisolated let events: SessionEvents
  /// The plugin being run.
  public nonisolated let target: PluginTarget
  /// The options in force.
  public nonisolated let options: SessionOptions
  /// The host core that runs the plugin.
  nonisolated let core: HostCore
  /// The descriptors the frame log decodes with (reflection's are added as they come).
  nonisolated let schemas: SchemaStore
  /// Hears the host core; counts the starts (reflection is asked once per start).
  nonisolated let reporter: Reporter
  /// The reflection fetch of the current start, once begun.
  var reflection: (start: Int, task: Task<Void, Never>)?
  /// The services the plugin's reflection listed, once it answered (nil: not known).
  var reflectedServices: Set<String>?
  /// `call`s in flight, so the console can cancel them (`cancelCalls`).
  var callTasks: [UUID: Task<CallRecord, Never>] = [:]
  private var finished = false

  /// Creates a session; nothing runs until `start()`. With a `recorder`, every event is also
  /// written to its log as it happens (`run --export`). `schemas` are the descriptors loaded
  /// before the start (`SchemaLoader`); reflection's are added each time the plugin is SERVING.
  public init(
    target: PluginTarget, options: SessionOptions = .init(), recorder: SessionRecorder? = nil,
    schemas: DescriptorRegistry = .init()
  ) {
    self.target = target
    self.options = options
    let events = SessionEvents(recorder: recorder)
    let store = SchemaStore(schemas)
    let reporter = Reporter(events: events, maxLineLength: options.maxLineLength, schemas: store, initial: schemas)
    self.events = events
    self.schemas = store
    self.reporter = reporter
    core = HostCore(target: target, options: options.host, schemas: store, observe: reporter.receive)
    reporter.onFirstServing { [weak self] in
      Task { await self?.ensureReflection() }
    }
  }

  /// Builds (when asked), starts the plugin and waits for the handshake; true when it is ready.
  @discardableResult
  public func start() async -> Bool {
    guard !finished else { return false }
    emit(.schemas(SchemaCatalog(schemaRegistry, hiding: hiddenServices)))
    return await core.start()
  }

  /// Stops the plugin the way a go-plugin host's `Kill()` does: `Shutdown`, up to 2 s, then SIGKILL.
  public func stop() async {
    stopAskingReflection()
    await core.stop()
  }

  /// A reflection fetch in flight sends no further request once the plugin is being stopped
  /// (after Shutdown they only end CANCELLED).
  private func stopAskingReflection() {
    reflection?.task.cancel()
  }

  /// Stops the plugin and starts it again, running the build step first (as `run` did at the
  /// start) unless `rebuild` is false or the build step is turned off: a restart must not start a
  /// stale binary.
  public func restart(rebuild: Bool = true) async -> Bool {
    guard !finished else { return false }
    let builds = rebuild && options.runBuild && target.build != nil
    emit(.notice(builds ? "restarting: stop, build step, start" : "restarting: stop, start (no build step)"))
    stopAskingReflection()
    return await core.restart(rebuild: rebuild)
  }

  /// Whether the next start (a restart) runs the build step.
  public var rebuildOnStart: Bool { get async { await core.rebuildsOnStart } }

  /// Stops everything and ends the event stream.
  public func finish() async {
    guard !finished else { return }
    finished = true
    stopAskingReflection()
    await core.finish()
    emit(.finished)
    events.finish()
  }

  /// The pid of the running plugin, if any.
  public var pid: Int32? { get async { await core.pid } }

  /// The accepted handshake of the current run.
  public var handshake: HandshakeLine? { get async { await core.handshake } }

  func emit(_ event: SessionEvent) {
    events.yield(event)
  }
}

extension Session {
  /// Turns what the host core says into session events; keeps the log parser's state.
  final class Reporter: Sendable {
    private struct Parsing {
      var log = LogLineParser()
      var stdio: [String: LineSplitter] = [:]
      var startedAt: ContinuousClock.Instant?
    }

    let events: SessionEvents
    private let maxLineLength: Int
    private let parsing = Mutex(Parsing())
    private let schemas: SchemaStore
    private let initialSchemas: DescriptorRegistry
    private let serving = Mutex(ServingWatch())

    init(events: SessionEvents, maxLineLength: Int, schemas: SchemaStore, initial: DescriptorRegistry) {
      self.events = events
      self.maxLineLength = maxLineLength
      self.schemas = schemas
      self.initialSchemas = initial
    }

    /// How many times the plugin was started.
    var starts: Int { serving.withLock { $0.starts } }

    /// Sets what runs on the first SERVING health answer of each start.
    func onFirstServing(_ handler: @escaping @Sendable () -> Void) {
      serving.withLock { $0.handler = handler }
    }

    @Sendable func receive(_ event: HostEvent) {
      switch event {
      case .build(.started(let command)): events.yield(.buildStarted(command: command))
      case .build(.output(let line, let stream)): events.yield(.buildOutput(line, stream: stream))
      case .build(.finished(let status, let seconds)): events.yield(.buildFinished(status: status, seconds: seconds))
      case .build(.hint(let text)): events.yield(.notice("build: " + text))
      case .spawnFailed: break  // the machine's handshakeFailed follows
      case .started(let process, let info):
        parsing.withLock { $0.startedAt = process.startedAt }
        // A new start asks reflection again, from the schemas loaded before the first start.
        serving.withLock {
          $0.seen = false
          $0.starts += 1
        }
        schemas.replace(with: initialSchemas)
        events.yield(.started(info))
      case .output(.line(.stderr, let line, _)):
        let entry = parsing.withLock {
          $0.log.parse(line.text, isPartOfLongLine: line.continues || line.isContinuation)
        }
        events.yield(.log(entry))
      case .output: break
      case .report(let report): self.report(report)
      case .tapReady(let local, let plugin): events.yield(.tapReady(local: local, plugin: plugin))
      case .frame(let record): events.yield(.frame(record))
      case .health(let sample):
        events.yield(.health(sample))
        if case .status("SERVING") = sample.outcome {
          let handler = serving.withLock { watch -> (@Sendable () -> Void)? in
            defer { watch.seen = true }
            return watch.seen ? nil : watch.handler
          }
          handler?()
        }
      case .stdio(let data): stdio(data)
      case .notice(let text): events.yield(.notice(text))
      case .serving(let config): events.yield(.serving(config))
      }
    }

    private func report(_ report: HostMachine.Report) {
      switch report {
      case .handshake(let line, let raw, let warnings, let at):
        let started = parsing.withLock { $0.startedAt } ?? at
        events.yield(.handshake(line, raw: raw, warnings: warnings, seconds: (at - started).seconds))
      case .handshakeFailed(let diagnosis): events.yield(.handshakeFailed(diagnosis))
      case .lateDiagnosis(let diagnosis):
        // The verdict was given; a plugin that dies right after its line gets a note, not a second verdict.
        events.yield(.notice("the plugin exited right after its handshake: \(diagnosis.hint)"))
      case .strayStdout(let text): events.yield(.strayStdout(text))
      case .notice(let text): events.yield(.notice(text))
      case .graceExpired: break
      case .exited(let status, let expected, _): events.yield(.exited(status, expected: expected))
      }
    }

    /// `plugin.GRPCStdio` data, split like stderr: a line longer than the limit comes in pieces.
    private func stdio(_ data: Plugin_StdioData) {
      let channel = data.channel == .stdout ? "stdout" : data.channel == .stderr ? "stderr" : "invalid"
      let entries = parsing.withLock { p -> [LogEntry] in
        var splitter = p.stdio[channel] ?? LineSplitter(maxLineLength: maxLineLength)
        defer { p.stdio[channel] = splitter }
        return splitter.feed(data.data).filter { !$0.text.isEmpty }.map { line in
          var entry = p.log.parse(line.text, isPartOfLongLine: line.continues || line.isContinuation)
          entry.module = "stdio." + channel
          return entry
        }
      }
      for entry in entries { events.yield(.log(entry)) }
    }
  }
}
