import Foundation
import Subprocess
import Synchronization
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A plugin child process: spawned in its own process group with the host environment, its
/// stdout and stderr read line by line for its whole life, stopped by signalling the group.
/// The group is ended with plugin-dev even when plugin-dev is SIGKILLed (`Watchdog`).
///
/// stdin is /dev/null (a TUI keeps the terminal for itself); go-plugin hands the host's stdin
/// on, which only matters for plugins that read it.
public final class PluginProcess: Sendable {
  /// What to run.
  public struct Launch: Sendable, Equatable {
    /// Executable path (or a name looked up in PATH).
    public var executable: String
    /// Arguments after the executable.
    public var arguments: [String]
    /// Variables added to (or replacing) the inherited environment.
    public var environment: [String: String]
    /// Inherited variables to remove (e.g. the cookie, or `PYTHONUNBUFFERED`).
    public var removedEnvironment: [String]
    /// Working directory; nil keeps plugin-dev's.
    public var workingDirectory: String?
    /// Longest stdout/stderr line before it is split (go-plugin: 64 KiB).
    public var maxLineLength: Int
    /// Whether the process inherits plugin-dev's environment (false: only `environment`, like
    /// go-plugin's `SkipHostEnv`).
    public var inheritsEnvironment: Bool

    /// Creates a launch description.
    public init(
      executable: String, arguments: [String] = [], environment: [String: String] = [:],
      removedEnvironment: [String] = [], workingDirectory: String? = nil, maxLineLength: Int = 64 * 1024,
      inheritsEnvironment: Bool = true
    ) {
      self.executable = executable
      self.arguments = arguments
      self.environment = environment
      self.removedEnvironment = removedEnvironment
      self.workingDirectory = workingDirectory
      self.maxLineLength = maxLineLength
      self.inheritsEnvironment = inheritsEnvironment
    }
  }

  /// Which output stream a line came from.
  public enum Stream: String, Sendable, Equatable, Codable {
    /// Standard output (the handshake, and stray lines after it).
    case stdout
    /// Standard error (logs).
    case stderr
  }

  /// Something the process did.
  public enum Event: Sendable, Equatable {
    /// A line (or a piece of a long line) on stdout or stderr.
    case line(Stream, LineSplitter.Line, at: ContinuousClock.Instant)
    /// The stream reached end of file.
    case closed(Stream, at: ContinuousClock.Instant)
    /// The process ended.
    case exited(ExitStatus, at: ContinuousClock.Instant)
  }

  /// How the process ended.
  public enum ExitStatus: Sendable, Equatable, CustomStringConvertible, Codable {
    /// Exited with a code.
    case exited(Int32)
    /// Killed by a signal.
    case signaled(Int32)

    /// `exit code 1`, `signal 9 (SIGKILL)`.
    public var description: String {
      switch self {
      case .exited(let code): return "exit code \(code)"
      case .signaled(let signal): return "signal \(signal) (\(ExitStatus.signalName(signal)))"
      }
    }

    /// True for exit code 0.
    public var isSuccess: Bool { self == .exited(0) }

    /// The conventional name of a signal number.
    public static func signalName(_ signal: Int32) -> String {
      switch signal {
      case SIGHUP: return "SIGHUP"
      case SIGINT: return "SIGINT"
      case SIGQUIT: return "SIGQUIT"
      case SIGILL: return "SIGILL"
      case SIGABRT: return "SIGABRT"
      case SIGBUS: return "SIGBUS"
      case SIGFPE: return "SIGFPE"
      case SIGKILL: return "SIGKILL"
      case SIGSEGV: return "SIGSEGV"
      case SIGPIPE: return "SIGPIPE"
      case SIGTERM: return "SIGTERM"
      default: return "signal \(signal)"
      }
    }
  }

  /// Events in order; finishes after `.exited`. Read them: the output readers wait while more
  /// than 4 MiB of lines are unread (`OutputWindow`).
  public let events: Events
  /// The process id (also the process group id).
  public let pid: pid_t
  /// The launch this process was started from.
  public let launch: Launch
  /// When the process was spawned.
  public let startedAt: ContinuousClock.Instant

  private let shared: Shared

  /// State shared with the task that runs the process, which may finish before `start` returns.
  private final class Shared: Sendable {
    let continuation: AsyncStream<Event>.Continuation
    let state = Mutex<State>(State())
    init(continuation: AsyncStream<Event>.Continuation) { self.continuation = continuation }

    struct State {
      var pid: pid_t?
      var status: ExitStatus?
      var waiters: [CheckedContinuation<ExitStatus, Never>] = []
      var timedWaiters: [UUID: CheckedContinuation<ExitStatus?, Never>] = [:]
    }

    /// Resumes a timed waiter (timeout or cancellation) with the status so far.
    func resumeTimedWaiter(_ id: UUID) {
      let found = state.withLock { s in (s.timedWaiters.removeValue(forKey: id), s.status) }
      found.0?.resume(returning: found.1)
    }

    func finish(_ status: ExitStatus) {
      let (pid, waiters, timed) = state.withLock {
        s -> (pid_t?, [CheckedContinuation<ExitStatus, Never>], [CheckedContinuation<ExitStatus?, Never>]) in
        s.status = status
        defer {
          s.waiters.removeAll()
          s.timedWaiters.removeAll()
        }
        return (s.pid, s.waiters, Array(s.timedWaiters.values))
      }
      // Descendants left in the plugin's process group are orphans nobody will stop: end them.
      if let pid {
        posixKill(-pid, SIGKILL)
        running.withLock { _ = $0.remove(pid) }
        Watchdog.release(pid)
      }
      continuation.yield(.exited(status, at: .now))
      continuation.finish()
      for waiter in waiters { waiter.resume(returning: status) }
      for waiter in timed { waiter.resume(returning: status) }
    }
  }

  private init(pid: pid_t, launch: Launch, startedAt: ContinuousClock.Instant, events: Events, shared: Shared) {
    self.pid = pid
    self.launch = launch
    self.startedAt = startedAt
    self.events = events
    self.shared = shared
  }

  /// Spawns the process; throws when it cannot be started (not found, not executable).
  public static func start(_ launch: Launch) async throws(PluginProcessError) -> PluginProcess {
    let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .unbounded)
    let window = OutputWindow()
    let events = Events(stream: stream, window: window)
    var environment = launch.inheritsEnvironment ? Environment.inherit : Environment.custom([:])
    var updates: [Environment.Key: String?] = [:]
    for key in launch.removedEnvironment { updates[Environment.Key(stringLiteral: key)] = .some(nil) }
    for (key, value) in launch.environment { updates[Environment.Key(stringLiteral: key)] = value }
    environment = environment.updating(updates)
    var options = PlatformOptions()
    options.processGroupID = 0
    let executable: Executable =
      launch.executable.contains("/") ? .path(FilePath(launch.executable)) : .name(launch.executable)
    let configuration = Configuration(
      executable: executable, arguments: Arguments(launch.arguments), environment: environment,
      workingDirectory: launch.workingDirectory.map { FilePath($0) }, platformOptions: options)

    let (started, startedContinuation) = AsyncStream<Result<(pid_t, ContinuousClock.Instant), PluginProcessError>>
      .makeStream()
    let shared = Shared(continuation: continuation)
    Task {
      do {
        let result = try await Subprocess.run(configuration, input: .none, output: .sequence, error: .sequence) {
          execution in
          let pid = execution.processIdentifier.value
          shared.state.withLock { $0.pid = pid }
          running.withLock { _ = $0.insert(pid) }
          Watchdog.watch(pid)
          startedContinuation.yield(.success((pid, .now)))
          startedContinuation.finish()
          async let out: Void = pump(execution.standardOutput, .stdout, launch.maxLineLength, continuation, window)
          async let err: Void = pump(execution.standardError, .stderr, launch.maxLineLength, continuation, window)
          _ = await (out, err)
        }
        let status: ExitStatus
        switch result.terminationStatus {
        case .exited(let code): status = .exited(code)
        case .signaled(let signal): status = .signaled(signal)
        }
        shared.finish(status)
      } catch {
        startedContinuation.yield(.failure(.launchFailed(executable: launch.executable, reason: "\(error)")))
        startedContinuation.finish()
        continuation.finish()
      }
    }
    var iterator = started.makeAsyncIterator()
    guard let outcome = await iterator.next() else {
      throw .launchFailed(executable: launch.executable, reason: "the process did not start")
    }
    switch outcome {
    case .failure(let error): throw error
    case .success(let (pid, at)):
      return PluginProcess(pid: pid, launch: launch, startedAt: at, events: events, shared: shared)
    }
  }

  private static func pump(
    _ sequence: SubprocessOutputSequence, _ stream: Stream, _ maxLineLength: Int,
    _ continuation: AsyncStream<Event>.Continuation, _ window: OutputWindow
  ) async {
    var splitter = LineSplitter(maxLineLength: maxLineLength)
    do {
      for try await buffer in sequence {
        let bytes = buffer.withUnsafeBytes { Array($0) }
        let now = ContinuousClock.now
        var passed = 0
        for line in splitter.feed(bytes) {
          continuation.yield(.line(stream, line, at: now))
          passed += line.byteCount
        }
        await window.add(passed)
      }
    } catch {
      // The process ended while a descendant kept the pipe open; what was read is kept.
    }
    if let last = splitter.finish() { continuation.yield(.line(stream, last, at: .now)) }
    continuation.yield(.closed(stream, at: .now))
  }

  /// The exit status once the process has ended, nil while it runs.
  public var exitStatus: ExitStatus? { shared.state.withLock { $0.status } }

  /// Waits for the process to end (its output readers stop waiting for a consumer meanwhile:
  /// the exit is seen only once they reach end of file).
  public func waitForExit() async -> ExitStatus {
    events.window.open()
    return await withCheckedContinuation { waiter in
      let done = shared.state.withLock { s -> ExitStatus? in
        if let status = s.status { return status }
        s.waiters.append(waiter)
        return nil
      }
      if let done { waiter.resume(returning: done) }
    }
  }

  /// Waits up to `timeout` for the process to end; nil if it is still running then (or the task is cancelled).
  public func waitForExit(timeout: Duration) async -> ExitStatus? {
    events.window.open()
    let id = UUID()
    let shared = self.shared
    return await withTaskCancellationHandler {
      await withCheckedContinuation { (waiter: CheckedContinuation<ExitStatus?, Never>) in
        let done = shared.state.withLock { s -> ExitStatus? in
          if let status = s.status { return status }
          s.timedWaiters[id] = waiter
          return nil
        }
        if let done {
          waiter.resume(returning: done)
          return
        }
        Task {
          try? await Task.sleep(for: timeout)
          shared.resumeTimedWaiter(id)
        }
      }
    } onCancel: {
      shared.resumeTimedWaiter(id)
    }
  }

  /// Sends `signal` to the whole process group (the plugin and anything it started).
  public func signalGroup(_ signal: Int32) {
    guard exitStatus == nil else { return }
    posixKill(-pid, signal)
  }

  /// SIGKILLs the process group and waits for the exit.
  @discardableResult
  public func kill() async -> ExitStatus {
    signalGroup(SIGKILL)
    return await waitForExit()
  }
}

extension PluginProcess {
  /// The events of a process, read in order by one consumer.
  public struct Events: AsyncSequence, Sendable {
    public typealias Element = Event
    let stream: AsyncStream<Event>
    let window: OutputWindow

    /// Iterates the events, releasing the output readers as lines are taken.
    public struct AsyncIterator: AsyncIteratorProtocol {
      var base: AsyncStream<Event>.AsyncIterator
      let reader: Reader

      /// The next event, nil after `.exited` (or when the reading task is cancelled).
      public mutating func next() async -> Event? {
        let event = await base.next()
        switch event {
        case .line(_, let line, _): reader.window.remove(line.byteCount)
        case nil: reader.window.open()
        default: break
        }
        return event
      }
    }

    /// Opens the window when the consumer goes away (a loop left early, a cancelled task), so
    /// the readers can still reach end of file.
    public final class Reader: Sendable {
      let window: OutputWindow
      init(window: OutputWindow) { self.window = window }
      deinit { window.open() }
    }

    /// One consumer at a time.
    public func makeAsyncIterator() -> AsyncIterator {
      AsyncIterator(base: stream.makeAsyncIterator(), reader: Reader(window: window))
    }
  }
}

/// Why a plugin process could not be started.
public enum PluginProcessError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Spawning failed.
  case launchFailed(executable: String, reason: String)

  /// What happened and what to check.
  public var description: String {
    switch self {
    case .launchFailed(let executable, let reason):
      let trimmed = reason.hasSuffix(".") ? String(reason.dropLast()) : reason
      return "could not start \(executable): \(trimmed). Check the path exists and is executable (chmod +x)."
    }
  }
}

/// Process groups of every `PluginProcess` still running in this process.
private let running = Mutex<Set<pid_t>>([])

extension PluginProcess {
  /// SIGKILLs the process group of every plugin process still running — the last resort before
  /// plugin-dev exits on a signal, so nothing it started outlives it.
  public static func killAllRunning() {
    for pid in running.withLock({ $0 }) { posixKill(-pid, SIGKILL) }
  }
}

/// `kill(2)`, named apart from `PluginProcess.kill()`.
@discardableResult
func posixKill(_ pid: pid_t, _ signal: Int32) -> Int32 {
  #if canImport(Glibc)
    return Glibc.kill(pid, signal)
  #else
    return Darwin.kill(pid, signal)
  #endif
}
