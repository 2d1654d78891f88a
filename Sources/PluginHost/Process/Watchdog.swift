import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Ends every plugin process group plugin-dev started when plugin-dev itself dies, however it
/// dies (a SIGKILL included), for every mode: `run`, `check`, `wrap` and build steps.
///
/// One small `sh` per plugin-dev process, started with the first plugin, in a process group of
/// its own (so Ctrl-C or a kill of plugin-dev's group does not end it first), reads one socket
/// whose other end only plugin-dev holds (close-on-exec, so no plugin inherits it). plugin-dev
/// writes `+ GROUP` when it starts a plugin and `- GROUP` when the plugin has ended; when
/// plugin-dev is gone the read sees end of file and the shell SIGKILLs the groups still listed.
/// A plugin that moves itself out of its process group (setsid) escapes it, as it escapes a
/// go-plugin host's Kill. `PR_SET_PDEATHSIG` is not used: it fires when the spawning *thread*
/// ends, and swift-subprocess spawns from threads that come and go.
public enum Watchdog {
  private struct Shell {
    var pid: pid_t
    var socket: Int32
  }

  /// The script: keeps the listed groups, SIGKILLs them at end of file.
  static let script = """
    trap '' INT HUP TERM QUIT PIPE
    g=
    while read -r op p; do
      case "$op" in
        +) g="$g $p" ;;
        -) n=; for x in $g; do [ "$x" = "$p" ] || n="$n $x"; done; g=$n ;;
      esac
    done
    for x in $g; do kill -9 -"$x" 2>/dev/null; done
    """

  private static let shell = Mutex<Shell?>(nil)
  private static let failed = Mutex(false)

  /// The watchdog shell's pid once it runs (check leaves it out of the orphans it reports).
  public static var pid: pid_t? { shell.withLock { $0?.pid } }

  /// Adds process group `group` to the groups killed when plugin-dev dies; false when no
  /// watchdog could be started (the group is then ended only on exits plugin-dev sees).
  @discardableResult
  static func watch(_ group: pid_t) -> Bool {
    send("+ \(group)\n", start: true)
  }

  /// Takes `group` off the list (its process ended: the id may be reused).
  static func release(_ group: pid_t) {
    _ = send("- \(group)\n", start: false)
  }

  private static func send(_ line: String, start: Bool) -> Bool {
    shell.withLock { shell -> Bool in
      if shell == nil, start, !failed.withLock({ $0 }) {
        shell = spawn()
        if shell == nil { failed.withLock { $0 = true } }
      }
      guard let socket = shell?.socket else { return false }
      let bytes = Array(line.utf8)
      var offset = 0
      while offset < bytes.count {
        let written = bytes.withUnsafeBytes { raw in
          sendBytes(socket, raw.baseAddress.map { $0 + offset }, raw.count - offset)
        }
        if written < 0 && errno == EINTR { continue }
        if written <= 0 { return false }
        offset += written
      }
      return true
    }
  }

  private static func sendBytes(_ socket: Int32, _ base: UnsafeRawPointer?, _ count: Int) -> Int {
    #if os(Linux)
      return Glibc.send(socket, base, count, Int32(MSG_NOSIGNAL))
    #else
      return Darwin.send(socket, base, count, 0)
    #endif
  }

  /// Starts the shell on one end of a socket pair; nil when that fails.
  private static func spawn() -> Shell? {
    var fds: [Int32] = [-1, -1]
    #if os(Linux)
      let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
    #else
      let type = SOCK_STREAM
    #endif
    guard socketpair(AF_UNIX, type, 0, &fds) == 0 else { return nil }
    let (mine, theirs) = (fds[0], fds[1])
    #if !os(Linux)
      _ = fcntl(mine, F_SETFD, FD_CLOEXEC)
      _ = fcntl(theirs, F_SETFD, FD_CLOEXEC)
      var one: Int32 = 1
      _ = setsockopt(mine, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
    #endif
    defer { close(theirs) }
    // The shell reads nothing but the socket, writes nowhere, and keeps no other descriptor
    // (a pipe it held open would keep another process from seeing end of file).
    guard let pid = spawnShell(stdin: theirs) else {
      close(mine)
      return nil
    }
    shutdown(mine, Int32(SHUT_RD))
    return Shell(pid: pid, socket: mine)
  }

  private static func spawnShell(stdin: Int32) -> pid_t? {
    #if os(Linux)
      var actions = posix_spawn_file_actions_t()
      var attributes = posix_spawnattr_t()
    #else
      var actions: posix_spawn_file_actions_t?
      var attributes: posix_spawnattr_t?
    #endif
    posix_spawn_file_actions_init(&actions)
    posix_spawnattr_init(&attributes)
    defer {
      posix_spawn_file_actions_destroy(&actions)
      posix_spawnattr_destroy(&attributes)
    }
    posix_spawn_file_actions_adddup2(&actions, stdin, 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    #if os(Linux)
      // glibc 2.34+; looked up at run time as swift-subprocess does (older glibc: the shell keeps
      // plugin-dev's other descriptors, which are close-on-exec where plugin-dev makes them).
      if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
        typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        _ = unsafeBitCast(symbol, to: AddCloseFrom.self)(&actions, 3)
      }
    #endif
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    posix_spawnattr_setpgroup(&attributes, 0)
    #if os(Linux)
      let flags = Int16(POSIX_SPAWN_SETPGROUP) | Int16(POSIX_SPAWN_SETSIGMASK)
    #else
      let flags = Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_CLOEXEC_DEFAULT)
    #endif
    posix_spawnattr_setflags(&attributes, flags)
    let arguments = ["/bin/sh", "-c", script, "plugin-dev-watchdog"]
    var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    defer { for argument in argv { free(argument) } }
    var environment: [UnsafeMutablePointer<CChar>?] = [strdup("PATH=/usr/bin:/bin"), nil]
    defer { for variable in environment { free(variable) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, "/bin/sh", &actions, &attributes, &argv, &environment) == 0 else { return nil }
    return pid
  }
}
