import Foundation
import PluginProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plugin process started for `check`: every stdout and stderr line kept with its time, and
/// (for the main run) the handshake decided by a `HandshakeWatcher` exactly as `run` decides it.
actor ObservedPlugin {
  /// The process.
  nonisolated let process: PluginProcess
  /// stdout lines (pieces of long lines included), with their arrival times.
  private(set) var stdout: [(line: LineSplitter.Line, at: ContinuousClock.Instant)] = []
  /// The first stderr lines (pieces of long lines included), up to `keptBytes`.
  private(set) var stderr: [LineSplitter.Line] = []
  /// Every stderr line, counted for the stderr checks (nothing kept).
  private(set) var stderrTally = StderrChecks.Tally()
  /// How and when the process ended.
  private(set) var exit: (status: PluginProcess.ExitStatus, at: ContinuousClock.Instant)?
  /// The watcher's first decision (accepted or failed).
  private(set) var decision: HandshakeWatcher.Output?
  /// A failure the watcher reported after accepting (handshake written only at exit).
  private(set) var lateFailure: HandshakeDiagnosis?

  private var watcher: HandshakeWatcher?
  private var tasks: [Task<Void, Never>] = []
  private var eventsDone = false
  private var stopping = false
  /// Bytes of stdout and of stderr lines kept (each): the checks need the first lines, and a
  /// plugin that floods its output must not grow plugin-dev (issue #17 item 5).
  private static let keptBytes = 1 << 20
  private var stdoutBytes = 0
  private var stderrBytes = 0

  private init(process: PluginProcess, watcher: HandshakeWatcher?) {
    self.process = process
    self.watcher = watcher
  }

  /// Starts `launch`; with `expectations`, a handshake watcher with `timeout` decides the handshake.
  static func start(
    _ launch: PluginProcess.Launch, expectations: HandshakeExpectations? = nil, timeout: Duration = .seconds(60)
  ) async throws(PluginProcessError) -> ObservedPlugin {
    let process = try await PluginProcess.start(launch)
    let watcher = expectations.map { HandshakeWatcher(expectations: $0, startedAt: process.startedAt, timeout: timeout) }
    let observed = ObservedPlugin(process: process, watcher: watcher)
    await observed.begin()
    return observed
  }

  private func begin() {
    let process = self.process
    tasks.append(Task { [self] in
      for await event in process.events { self.handle(event) }
      self.eventsFinished()
    })
    if watcher != nil {
      tasks.append(Task { [weak self] in
        while !Task.isCancelled {
          try? await Task.sleep(for: .milliseconds(25))
          guard let self, await self.tick() else { return }
        }
      })
    }
  }

  private func eventsFinished() {
    eventsDone = true
  }

  private func handle(_ event: PluginProcess.Event) {
    switch event {
    case .line(.stdout, let line, let at):
      if stdoutBytes < Self.keptBytes {
        stdout.append((line, at))
        stdoutBytes += line.byteCount
      }
      feed(.stdout(line.text, at: at))
    case .line(.stderr, let line, _):
      stderrTally.add(line)
      if stderrBytes < Self.keptBytes {
        stderr.append(line)
        stderrBytes += line.byteCount
      }
      feed(.stderr(line.text))
    case .closed(.stdout, let at):
      feed(.stdoutClosed(at: at))
    case .closed:
      break
    case .exited(let status, let at):
      exit = (status, at)
      feed(.exited(status, at: at))
    }
  }

  /// Sends the watcher a tick when its deadline has passed; false once nothing more can happen.
  private func tick() -> Bool {
    guard var current = watcher else { return false }
    if let deadline = current.nextDeadline, ContinuousClock.now >= deadline {
      let outputs = current.receive(.tick(at: .now))
      watcher = current
      apply(outputs)
    }
    return exit == nil
  }

  private func feed(_ input: HandshakeWatcher.Input) {
    guard var current = watcher else { return }
    let outputs = current.receive(input)
    watcher = current
    apply(outputs)
  }

  private func apply(_ outputs: [HandshakeWatcher.Output]) {
    for output in outputs {
      switch output {
      case .accepted, .failed:
        if decision == nil {
          decision = output
        } else if case .failed(let diagnosis) = output, !stopping {
          lateFailure = diagnosis
        }
      case .probeUnflushed:
        // As `run` does: a gentle stop shows whether the handshake was stuck in a buffer.
        let process = self.process
        tasks.append(Task {
          process.signalGroup(SIGINT)
          try? await Task.sleep(for: .milliseconds(600))
          process.signalGroup(SIGTERM)
        })
      case .strayStdout:
        break
      }
    }
  }

  /// Waits until the watcher decides (accepted or failed); the watcher's own timeout bounds the wait.
  func waitForDecision() async -> HandshakeWatcher.Output? {
    while decision == nil, watcher != nil {
      if eventsDone, exit != nil { break }
      try? await Task.sleep(for: .milliseconds(5))
    }
    return decision
  }

  /// For the extra runs: waits for a stdout line with a `|` (a handshake), the exit, or `limit`.
  func probeOutcome(within limit: Duration) async -> ProbeRun {
    let started = process.startedAt
    let deadline = started + limit
    var outcome: ProbeRun.Outcome?
    while outcome == nil {
      if let line = stdout.first(where: { $0.line.text.contains("|") }) {
        outcome = .handshake(raw: line.line.text, after: line.at - started)
      } else if let exit, eventsDone {
        outcome = .exited(exit.status, after: exit.at - started)
      } else if ContinuousClock.now >= deadline {
        outcome = .stillRunning(after: ContinuousClock.now - started)
      } else {
        try? await Task.sleep(for: .milliseconds(5))
      }
    }
    let handshake: String? = if case .handshake(let raw, _)? = outcome { raw } else { nil }
    return ProbeRun(
      outcome: outcome ?? .stillRunning(after: limit),
      stdout: stdout.map(\.line.text).filter { $0 != handshake }, stderr: Array(stderr.prefix(200).map(\.text)))
  }

  /// Waits (at most `limit`) until every event up to the exit has been handled.
  func waitForEvents(limit: Duration = .seconds(3)) async {
    let deadline = ContinuousClock.now + limit
    while !eventsDone, ContinuousClock.now < deadline {
      try? await Task.sleep(for: .milliseconds(5))
    }
  }

  /// Notes that plugin-dev is stopping the plugin: an exit from now on says nothing about its handshake.
  func markStopping() {
    stopping = true
  }

  /// Stops the helper tasks.
  func finish() {
    for task in tasks { task.cancel() }
    tasks.removeAll()
  }
}
