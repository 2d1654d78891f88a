import Foundation
import PluginHost
import PluginProtocol

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The stop sequence of check's main run, and what the plugin left behind.
extension PluginChecker {
  /// Stops the plugin with the host core's stop sequence (go-plugin's `Kill()`: Shutdown, up to
  /// 2 s for the exit, then SIGKILL) and observes it: the Shutdown answer, the time to exit, and
  /// what the plugin left behind.
  func stop(_ host: HostCore, recorder: MainRunRecorder, excluded: Set<Int32>) async -> ShutdownChecks.Observation {
    // Orphans that ended before Shutdown are not leftovers.
    for entry in ProcessTable.ownChildren(except: excluded) where entry.isZombie { ProcessTable.reap(entry.pid) }
    var names: [Int32: String] = [:]
    if let pid = recorder.snapshot.pid {
      for member in ProcessTable.groupMembers(pid, except: pid) {
        names[member.pid] = ProcessTable.commandLine(member.pid) ?? member.name
      }
    }
    let outcome = await host.stop(evenIfSilent: true)
    let seen = recorder.snapshot
    var left = seen.leftAtGraceEnd.map {
      LeftProcess(pid: $0.pid, command: names[$0.pid] ?? $0.command, survivesHardKill: true)
    }
    for orphan in await collectOrphans(excluding: excluded, names: names)
    where !left.contains(where: { $0.pid == orphan.pid }) {
      left.append(orphan)
    }
    let controller: ShutdownChecks.Observation.Controller
    if let answer = outcome.controller {
      controller = answer
    } else if let exit = seen.exit, !exit.expected {
      controller = .exitedBefore(exit.status)  // it ended by itself before the stop began
    } else {
      controller = .noReply
    }
    return .init(
      controller: controller, exitedAfter: outcome.exitedAfter, exitStatus: seen.exit?.status, leftBehind: left,
      orphansTracked: options.orphansTracked)
  }

  /// Processes re-parented to plugin-dev (it is a child subreaper) since the plugin started: reported, killed, reaped.
  func collectOrphans(excluding excluded: Set<Int32>, names: [Int32: String] = [:]) async -> [LeftProcess] {
    var left: [LeftProcess] = []
    await Self.awaitGroupKill(excluding: excluded)
    for _ in 0..<3 {
      let orphans = ProcessTable.ownChildren(except: excluded.union(left.map(\.pid)))
      if orphans.isEmpty { break }
      for orphan in orphans {
        left.append(
          LeftProcess(
            pid: orphan.pid, command: names[orphan.pid] ?? ProcessTable.commandLine(orphan.pid) ?? orphan.name))
        if orphan.isZombie {
          ProcessTable.reap(orphan.pid)
        } else {
          await ProcessTable.killAndReap(orphan.pid)
        }
      }
    }
    return left
  }

  /// Waits until the SIGKILL that `PluginProcess` sends to a plugin's process group when the plugin
  /// ends has landed, so that the orphans collected next are all there: no live process remains in
  /// a group that one of plugin-dev's own children belongs to and whose leader (the plugin) is gone.
  /// Each member that dies hands its children to plugin-dev (a child subreaper); the plugin's own
  /// children were handed over when it exited, before it was reaped. Returns at once when no such
  /// group exists; gives up after `limit` (a process in uninterruptible sleep dies only when it wakes).
  static func awaitGroupKill(excluding excluded: Set<Int32>, limit: Duration = .seconds(2)) async {
    let clock = ContinuousClock()
    let deadline = clock.now + limit
    while clock.now < deadline {
      let table = ProcessTable.snapshot()
      let live = Set(table.lazy.filter { !$0.isZombie }.map(\.pid))
      let children = Set(ProcessTable.ownChildren(except: excluded).map(\.pid))
      let groups = Set(table.lazy.filter { children.contains($0.pid) }.map(\.pgrp)).subtracting(live)
      if groups.isEmpty || !table.contains(where: { groups.contains($0.pgrp) && !$0.isZombie }) { return }
      try? await Task.sleep(for: .milliseconds(2))  // the poll's interval: the kernel gives no event for this
    }
  }
}
