import PluginHost

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Ends plugin-dev the way the wrapped plugin ended, so the host sees what it would have seen
/// without wrap: the same exit code, or death by the same signal (no core dump of wrap).
func endLikePlugin(_ status: PluginProcess.ExitStatus) -> Never {
  if case .signaled(let number) = status {
    var noCore = rlimit(rlim_cur: 0, rlim_max: 0)
    #if canImport(Glibc)
      _ = setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &noCore)
    #else
      _ = setrlimit(RLIMIT_CORE, &noCore)
    #endif
    signal(number, SIG_DFL)
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, number)
    sigprocmask(SIG_UNBLOCK, &set, nil)
    kill(getpid(), number)
    exit(128 + number)
  }
  if case .exited(let code) = status { exit(code) }
  exit(1)
}
