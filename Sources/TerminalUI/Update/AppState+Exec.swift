import PluginHost
import PluginSession

extension AppState {
  /// Queues console commands (`run --exec`) to run, in order, once the plugin is ready.
  public mutating func queueExecs(_ commands: [String]) {
    pendingExecs += commands.filter { !$0.trimmingWhitespace.isEmpty }
  }

  /// The plugin became ready (or did not): starts the queued `--exec` commands, or says they wait.
  mutating func pluginBecameReady(_ ready: Bool) -> [Effect] {
    guard !pendingExecs.isEmpty, !execInFlight else { return [] }
    guard ready else {
      console.output.append(
        .error("--exec: \(pendingExecs.count) commands wait until the plugin is ready (r restarts it)"))
      return []
    }
    return runQueuedExecs()
  }

  /// A call returned. Its result line comes as a session event on another path, so the next
  /// `--exec` command waits for that line (the console then reads in order).
  mutating func execCallFinished(_ record: CallRecord) -> [Effect] {
    guard execInFlight else { return [] }
    if console.output.suffix(64).contains(.result(record)) { return execStepFinished() }
    execAwaitingResult = record
    return []
  }

  /// The session reported a call's result: runs the next `--exec` command if it waited for it.
  mutating func execResultShown(_ record: CallRecord) -> [Effect] {
    guard let awaited = execAwaitingResult, awaited == record else { return [] }
    execAwaitingResult = nil
    return execStepFinished()
  }

  /// A call or export ended: the next `--exec` command runs once nothing is pending.
  mutating func execStepFinished() -> [Effect] {
    guard execInFlight, console.pendingCalls == 0 else { return [] }
    execInFlight = false
    return runQueuedExecs()
  }

  /// Runs queued commands as if typed until one needs the plugin (a call, restart or export);
  /// its answer runs the next, so `put a hello` is done before `get a` starts.
  private mutating func runQueuedExecs() -> [Effect] {
    while !pendingExecs.isEmpty {
      let text = pendingExecs.removeFirst()
      let effects = run(consoleCommand: text)
      if !effects.isEmpty {
        execInFlight = true
        return effects
      }
    }
    return []
  }
}
