import Foundation
import PluginProtocol

/// Watches a starting plugin's stdout like a go-plugin host and decides how the handshake went.
///
/// A state machine (no I/O): feed it what the process does and the passing of time; it says
/// when the handshake is accepted or why it failed. Rules from docs/protocol.md §1.2–§1.6: the first
/// stdout line is the handshake, nothing may come before it, and the host gives up after the
/// start timeout. Beyond a Go host it waits a moment after junk to see whether a handshake
/// follows, and tells an unflushed handshake (it arrives only when the plugin stops) from none.
public struct HandshakeWatcher: Sendable {
  /// What happened to the plugin.
  public enum Input: Sendable, Equatable {
    /// A stdout line.
    case stdout(String, at: ContinuousClock.Instant)
    /// stdout reached end of file.
    case stdoutClosed(at: ContinuousClock.Instant)
    /// A stderr line (the last ones explain early exits).
    case stderr(String)
    /// The process ended.
    case exited(PluginProcess.ExitStatus, at: ContinuousClock.Instant)
    /// Time passed (the caller sends this at `nextDeadline`).
    case tick(at: ContinuousClock.Instant)
    /// The host began stopping the plugin: what follows (stdout closing, the exit) is the stop
    /// sequence, not a start to judge, so no diagnosis comes after this.
    case stopRequested
  }

  /// What the watcher decided.
  public enum Output: Sendable, Equatable {
    /// The handshake was accepted.
    case accepted(HandshakeLine, raw: String, warnings: [HandshakeWarning])
    /// The handshake failed.
    case failed(HandshakeDiagnosis)
    /// The start timeout passed with no line: stop the plugin gently (SIGINT, then SIGTERM) and keep
    /// feeding events; a line that arrives now means stdout was not flushed.
    case probeUnflushed
    /// A stdout line after the handshake (a Go host silently drops these).
    case strayStdout(String)
  }

  private enum Phase: Sendable, Equatable {
    case waiting
    case junk(first: String, until: ContinuousClock.Instant)
    case probing(until: ContinuousClock.Instant)
    case accepted
    case failed
  }

  /// What the host offered.
  public let expectations: HandshakeExpectations
  /// go-plugin's `StartTimeout` (default 60 s).
  public let timeout: Duration
  /// How long to look for a handshake after junk, and to wait for output while probing.
  public let grace: Duration
  private let startedAt: ContinuousClock.Instant
  private var phase: Phase = .waiting
  private var lineCount = 0
  private var stderrTail: [String] = []
  private var exitStatus: PluginProcess.ExitStatus?
  private var stdoutClosed = false
  private var stdoutClosedAt: ContinuousClock.Instant?
  private var accepted: (raw: String, at: ContinuousClock.Instant)?
  private var stopRequested = false

  /// Creates a watcher for a plugin started at `startedAt`.
  public init(
    expectations: HandshakeExpectations, startedAt: ContinuousClock.Instant, timeout: Duration = .seconds(60),
    grace: Duration = .milliseconds(300)
  ) {
    self.expectations = expectations
    self.startedAt = startedAt
    self.timeout = timeout
    self.grace = grace
  }

  /// When the caller should send the next `.tick`, or nil when no timer is needed.
  public var nextDeadline: ContinuousClock.Instant? {
    switch phase {
    case .waiting: return startedAt + timeout
    case .junk(_, let until), .probing(let until): return until
    case .accepted, .failed: return nil
    }
  }

  /// Whether the watcher has decided (accepted or failed).
  public var isDecided: Bool { phase == .accepted || phase == .failed }

  /// Feeds one input; returns what it decides.
  public mutating func receive(_ input: Input) -> [Output] {
    switch input {
    case .stderr(let line):
      stderrTail.append(line)
      if stderrTail.count > 20 { stderrTail.removeFirst(stderrTail.count - 20) }
      return []
    case .stdout(let raw, let at):
      lineCount += 1
      return stdoutLine(raw, at: at)
    case .stdoutClosed(let at):
      stdoutClosed = true
      stdoutClosedAt = at
      return ended(at: at)
    case .exited(let status, let at):
      exitStatus = status
      return ended(at: at)
    case .tick(let at):
      return tick(at: at)
    case .stopRequested:
      stopRequested = true
      // A stop during the handshake wait ends the wait; it is the user's choice, not the plugin's failure.
      if !isDecided { phase = .failed }
      return []
    }
  }

  private mutating func stdoutLine(_ raw: String, at: ContinuousClock.Instant) -> [Output] {
    switch phase {
    case .accepted:
      return [.strayStdout(raw)]
    case .failed:
      return []
    case .waiting:
      do {
        let line = try HandshakeLine.parseAndCheck(raw, expecting: expectations)
        phase = .accepted
        accepted = (raw, at)
        return [.accepted(line, raw: raw, warnings: line.warnings(rawLine: raw, expecting: expectations))]
      } catch HandshakeError.unrecognized(let text) {
        phase = .junk(first: text, until: at + grace)
        return []
      } catch {
        phase = .failed
        return [.failed(.invalid(error, line: raw))]
      }
    case .junk(let first, _):
      if (try? HandshakeLine.parse(raw, expecting: expectations)) != nil {
        phase = .failed
        return [.failed(.textBeforeHandshake(firstLine: first, handshakeLater: .init(number: lineCount, text: raw)))]
      }
      return []
    case .probing:
      phase = .failed
      if (try? HandshakeLine.parse(raw, expecting: expectations)) != nil || raw.contains("|") {
        return [.failed(.unflushed(line: raw, atExit: false))]
      }
      return [.failed(.textBeforeHandshake(firstLine: HandshakeLine.goTrimSpace(raw), handshakeLater: nil))]
    }
  }

  private mutating func ended(at: ContinuousClock.Instant) -> [Output] {
    switch phase {
    case .junk(let first, _):
      guard stdoutClosed, exitStatus != nil else { return [] }
      phase = .failed
      return [.failed(.textBeforeHandshake(firstLine: first, handshakeLater: nil))]
    case .waiting:
      guard stdoutClosed, let status = exitStatus else { return [] }
      phase = .failed
      return [.failed(.exitedBeforeHandshake(status: status, stderrTail: stderrTail))]
    case .probing:
      guard stdoutClosed, exitStatus != nil else { return [] }
      phase = .failed
      return [.failed(.timeout(seconds: timeout.seconds))]
    case .accepted:
      // A handshake that reached the pipe together with end of file *and* the exit was written
      // only at exit. stdout closing alone says nothing: a go-plugin 1.0.1 Go plugin replaces
      // os.Stdout after the handshake and Go's GC then closes fd 1 at any time (docs/protocol.md §10.2).
      guard !stopRequested, let accepted, let closedAt = stdoutClosedAt, exitStatus != nil,
        closedAt - accepted.at < Self.atExitWindow, at - accepted.at < Self.atExitWindow
      else { return [] }
      self.accepted = nil
      return [.failed(.unflushed(line: accepted.raw, atExit: true))]
    case .failed:
      return []
    }
  }

  /// How close to the handshake line end of file and the exit must come for the line to count as
  /// written only at exit.
  static let atExitWindow: Duration = .milliseconds(30)

  private mutating func tick(at: ContinuousClock.Instant) -> [Output] {
    switch phase {
    case .waiting where at >= startedAt + timeout:
      phase = .probing(until: at + grace * 4)
      return [.probeUnflushed]
    case .junk(let first, let until) where at >= until:
      phase = .failed
      return [.failed(.textBeforeHandshake(firstLine: first, handshakeLater: nil))]
    case .probing(let until) where at >= until:
      phase = .failed
      return [.failed(.timeout(seconds: timeout.seconds))]
    default:
      return []
    }
  }
}

extension Duration {
  /// The duration in seconds.
  public var seconds: Double {
    Double(components.seconds) + Double(components.attoseconds) / 1e18
  }
}
