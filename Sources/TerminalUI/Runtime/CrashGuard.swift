import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Last-resort cleanup if plugin-dev crashes while the screen is active: on a fatal signal
/// (SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE) it restores the saved terminal modes,
/// leaves the alternate screen, gives stderr back, kills the plugin's process group, calls
/// the previous handler (Swift's backtracer), and ends the process with the signal's default
/// action — also when the signal came from `kill` and the previous handler returned.
///
/// Everything the handler does is async-signal-safe (atomics, `write`, `tcsetattr`, `dup2`,
/// `kill`, `sigaction`, `raise`); its data is prepared before it is armed.
enum CrashGuard {
  private static let armed = Atomic<Bool>(false)
  private static let pluginGroup = Atomic<Int32>(0)
  private static let savedStderr = Atomic<Int32>(-1)
  private static let fatalSignals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE]
  /// Written before arming, read only by the handler.
  nonisolated(unsafe) private static var savedModes = termios()
  nonisolated(unsafe) private static var haveSavedModes = false
  nonisolated(unsafe) private static var previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
  nonisolated(unsafe) private static var installed = false
  /// Mouse off, attributes off, cursor on, alternate screen off.
  private static let reset: [UInt8] = Array(
    "\u{1b}[?1000l\u{1b}[?1002l\u{1b}[?1006l\u{1b}[0m\u{1b}[?25h\u{1b}[?1049l\r\n".utf8)

  /// Remembers the terminal modes (call before curses changes them) and installs the handlers once.
  static func prepare() {
    var modes = termios()
    if tcgetattr(STDIN_FILENO, &modes) == 0 {
      savedModes = modes
      haveSavedModes = true
    }
    guard !installed else { return }
    installed = true
    for signal in fatalSignals {
      var action = sigaction()
      action.__sigaction_handler.sa_sigaction = { CrashGuard.handle($0, $1, $2) }
      sigemptyset(&action.sa_mask)
      action.sa_flags = SA_SIGINFO | SA_ONSTACK
      sigaction(signal, &action, previous + Int(signal))
    }
  }

  /// Turns the handler on (the screen is active) or off.
  static func setArmed(_ on: Bool) {
    armed.store(on, ordering: .sequentiallyConsistent)
  }

  /// The plugin's process group to kill on a crash (0: none).
  static func setPluginGroup(_ pid: Int32) {
    pluginGroup.store(pid, ordering: .sequentiallyConsistent)
  }

  /// The real stderr while it is being captured (-1: not captured).
  static func setSavedStderr(_ fd: Int32) {
    savedStderr.store(fd, ordering: .sequentiallyConsistent)
  }

  private static func handle(
    _ signal: Int32, _ info: UnsafeMutablePointer<siginfo_t>?, _ context: UnsafeMutableRawPointer?
  ) {
    if armed.exchange(false, ordering: .sequentiallyConsistent) {
      reset.withUnsafeBufferPointer { bytes in _ = write(STDOUT_FILENO, bytes.baseAddress, bytes.count) }
      if haveSavedModes { _ = tcsetattr(STDIN_FILENO, TCSANOW, &savedModes) }
      let stderrFD = savedStderr.load(ordering: .sequentiallyConsistent)
      if stderrFD >= 0 { _ = dup2(stderrFD, STDERR_FILENO) }
      let group = pluginGroup.load(ordering: .sequentiallyConsistent)
      if group > 0 { _ = kill(-group, SIGKILL) }
    }
    let before = previous[Int(signal)]
    if before.sa_flags & SA_SIGINFO != 0 {
      before.__sigaction_handler.sa_sigaction?(signal, info, context)
    } else if let handler = before.__sigaction_handler.sa_handler, unsafeBitCast(handler, to: Int.self) > 1 {
      handler(signal)
    }
    // Default action: pending until this handler returns, then the process ends (with a core).
    var fallback = sigaction()
    sigemptyset(&fallback.sa_mask)
    _ = sigaction(signal, &fallback, nil)
    _ = raise(signal)
  }
}
