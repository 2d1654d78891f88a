import Foundation
import PluginHost
import PluginProtocol
import Synchronization

/// What `check` keeps of its main run, as the host core reports it: stdout lines with their
/// times, stderr counted, the handshake verdict, a later address problem or diagnosis, the exit.
final class MainRunRecorder: Sendable {
  struct State {
    var startedAt: ContinuousClock.Instant?
    var pid: Int32?
    var spawnFailure: PluginProcessError?
    /// stdout lines (pieces of long lines included), up to `keptBytes`.
    var stdout: [(line: LineSplitter.Line, at: ContinuousClock.Instant)] = []
    var stdoutBytes = 0
    var stderrTally = StderrChecks.Tally()
    /// The verdict on the handshake (accepted or failed).
    var decision: HandshakeWatcher.Output?
    /// Why the accepted handshake's address could not be used.
    var connectProblem: HandshakeDiagnosis?
    /// A failure the watcher saw after accepting (a handshake written only at exit).
    var lateFailure: HandshakeDiagnosis?
    var exit: (status: PluginProcess.ExitStatus, expected: Bool)?
    /// Members of the plugin's process group when the grace after Shutdown ran out.
    var leftAtGraceEnd: [ShutdownChecks.Observation.LeftProcess] = []
  }

  /// Bytes of stdout kept: the checks need the first lines, and a plugin that floods its output
  /// must not grow plugin-dev (issue #17 item 5).
  static let keptBytes = 1 << 20
  private let state = Mutex(State())
  private let progress: @Sendable (CheckProgress) -> Void
  private let timeout: Duration

  init(timeout: Duration, progress: @escaping @Sendable (CheckProgress) -> Void) {
    self.timeout = timeout
    self.progress = progress
  }

  /// What has been recorded so far.
  var snapshot: State { state.withLock { $0 } }

  @Sendable func receive(_ event: HostEvent) {
    switch event {
    case .started(let process, _):
      state.withLock {
        $0.startedAt = process.startedAt
        $0.pid = process.pid
      }
      progress(.waitingForHandshake(pid: process.pid, timeout: timeout))
    case .spawnFailed(let error):
      state.withLock { $0.spawnFailure = error }
    case .output(.line(.stdout, let line, let at)):
      state.withLock {
        guard $0.stdoutBytes < Self.keptBytes else { return }
        $0.stdout.append((line, at))
        $0.stdoutBytes += line.byteCount
      }
    case .output(.line(.stderr, let line, _)):
      state.withLock { $0.stderrTally.add(line) }
    case .report(let report):
      record(report)
    default:
      break
    }
  }

  private func record(_ report: HostMachine.Report) {
    switch report {
    case .handshake(let line, let raw, let warnings, _):
      state.withLock { if $0.decision == nil { $0.decision = .accepted(line, raw: raw, warnings: warnings) } }
    case .handshakeFailed(let diagnosis):
      state.withLock {
        if $0.decision == nil { $0.decision = .failed(diagnosis) } else { $0.connectProblem = diagnosis }
      }
    case .lateDiagnosis(let diagnosis):
      state.withLock { $0.lateFailure = diagnosis }
    case .exited(let status, let expected, _):
      state.withLock { $0.exit = (status, expected) }
    case .graceExpired:
      // Called before the SIGKILL: who is still in the group is what the kill must end.
      guard let pid = state.withLock({ $0.pid }) else { return }
      let members = ProcessTable.groupMembers(pid, except: pid).map {
        ShutdownChecks.Observation.LeftProcess(
          pid: $0.pid, command: ProcessTable.commandLine($0.pid) ?? $0.name, survivesHardKill: true)
      }
      state.withLock { $0.leftAtGraceEnd = members }
    case .strayStdout, .notice:
      break
    }
  }
}
