import Foundation
import PluginHost
import PluginProtocol

/// A plugin process started for one of `check`'s extra runs (no cookie, unsupported versions,
/// AutoMTLS): its stdout and stderr lines kept with their times, and its exit. These runs judge
/// the raw output (a refusal, a line naming a version), not a handshake, so they use the
/// process directly; the main run goes through the host core.
actor ObservedPlugin {
  /// The process.
  nonisolated let process: PluginProcess
  /// stdout lines (pieces of long lines included), with their arrival times.
  private(set) var stdout: [(line: LineSplitter.Line, at: ContinuousClock.Instant)] = []
  /// The first stderr lines (pieces of long lines included), up to `keptBytes`.
  private(set) var stderr: [LineSplitter.Line] = []
  /// How and when the process ended (after its last line).
  private(set) var exit: (status: PluginProcess.ExitStatus, at: ContinuousClock.Instant)?

  private var reader: Task<Void, Never>?
  private var waiters: [CheckedContinuation<Void, Never>] = []
  /// Bytes of stdout and of stderr lines kept (each): a plugin that floods its output must not
  /// grow plugin-dev (issue #17 item 5).
  private static let keptBytes = 1 << 20
  private var stdoutBytes = 0
  private var stderrBytes = 0

  private init(process: PluginProcess) {
    self.process = process
  }

  /// Starts `launch` and begins reading its events.
  static func start(_ launch: PluginProcess.Launch) async throws(PluginProcessError) -> ObservedPlugin {
    let observed = ObservedPlugin(process: try await PluginProcess.start(launch))
    await observed.begin()
    return observed
  }

  private func begin() {
    let process = self.process
    reader = Task { [self] in
      for await event in process.events { self.handle(event) }
    }
  }

  private func handle(_ event: PluginProcess.Event) {
    switch event {
    case .line(.stdout, let line, let at):
      if stdoutBytes < Self.keptBytes {
        stdout.append((line, at))
        stdoutBytes += line.byteCount
      }
    case .line(.stderr, let line, _):
      if stderrBytes < Self.keptBytes {
        stderr.append(line)
        stderrBytes += line.byteCount
      }
    case .closed:
      break
    case .exited(let status, let at):
      exit = (status, at)
    }
    wake()
  }

  private func wake() {
    let woken = waiters
    waiters.removeAll()
    for waiter in woken { waiter.resume() }
  }

  /// Waits for a stdout line with a `|` (a handshake), the exit, or `limit` after the start.
  func probeOutcome(within limit: Duration) async -> ProbeRun {
    let started = process.startedAt
    let deadline = started + limit
    let timer = Task { [weak self] in
      try? await Task.sleep(until: deadline, clock: .continuous)
      await self?.wake()
    }
    defer { timer.cancel() }
    var outcome: ProbeRun.Outcome?
    while outcome == nil {
      if let line = stdout.first(where: { $0.line.text.contains("|") }) {
        outcome = .handshake(raw: line.line.text, after: line.at - started)
      } else if let exit {
        outcome = .exited(exit.status, after: exit.at - started)
      } else if ContinuousClock.now >= deadline {
        outcome = .stillRunning(after: ContinuousClock.now - started)
      } else {
        await withCheckedContinuation { waiters.append($0) }
      }
    }
    let handshake: String? = if case .handshake(let raw, _)? = outcome { raw } else { nil }
    return ProbeRun(
      outcome: outcome ?? .stillRunning(after: limit),
      stdout: stdout.map(\.line.text).filter { $0 != handshake }, stderr: Array(stderr.prefix(200).map(\.text)))
  }

  /// Stops reading.
  func finish() {
    reader?.cancel()
    reader = nil
    wake()
  }
}
