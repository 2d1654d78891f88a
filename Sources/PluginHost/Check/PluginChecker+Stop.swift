import Foundation
import GRPCCore
import PluginProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The stop sequence of check's main run, and what the plugin left behind.
extension PluginChecker {
  /// Stops the plugin like go-plugin's `Kill()`: Shutdown, up to 2 s for the exit, then SIGKILL.
  func stop(_ observed: ObservedPlugin, connection: PluginConnection, excluded: Set<Int32>) async
    -> ShutdownChecks.Observation
  {
    let process = observed.process
    let pid = process.pid
    await observed.markStopping()
    // Orphans that ended before Shutdown are not leftovers.
    for entry in ProcessTable.ownChildren(except: excluded) where entry.isZombie { ProcessTable.reap(entry.pid) }
    if let status = process.exitStatus {
      let left = await collectOrphans(excluding: excluded)
      return .init(controller: .exitedBefore(status), exitedAfter: nil, exitStatus: status, leftBehind: left, orphansTracked: options.orphansTracked)
    }

    var names: [Int32: String] = [:]
    func noteGroup() -> [ProcessEntry] {
      let members = ProcessTable.groupMembers(pid, except: pid)
      for member in members where names[member.pid] == nil {
        names[member.pid] = ProcessTable.commandLine(member.pid) ?? member.name
      }
      return members
    }
    _ = noteGroup()

    typealias Controller = ShutdownChecks.Observation.Controller
    let answer = LockedValue<Controller?>(nil)
    let clock = ContinuousClock()
    let sent = clock.now
    let call = Task {
      var callOptions = CallOptions.defaults
      callOptions.timeout = .seconds(10)
      let result: Controller
      do {
        _ = try await Plugin_GRPCController.Client(wrapping: connection.client).shutdown(Plugin_Empty(), options: callOptions)
        result = .answered(milliseconds: HandshakeChecks.milliseconds(clock.now - sent))
      } catch let error as RPCError {
        switch error.code {
        case .unimplemented: result = .unimplemented(message: error.message)
        case .unavailable, .cancelled: result = .closedBeforeReplying
        case .deadlineExceeded: result = .noReply
        default: result = .failed(code: Status.Code(error.code), message: error.message)
        }
      } catch {
        result = .failed(code: .unknown, message: "\(error)")
      }
      answer.withLock { if $0 == nil { $0 = result } }
    }

    var exitedAfter: Duration?
    while clock.now - sent < .seconds(2) {
      if await process.waitForExit(timeout: .milliseconds(20)) != nil {
        exitedAfter = clock.now - sent
        break
      }
      _ = noteGroup()
    }
    var left: [LeftProcess] = []
    if exitedAfter == nil {
      left = noteGroup().map { LeftProcess(pid: $0.pid, command: names[$0.pid] ?? $0.name, survivesHardKill: true) }
      answer.withLock { if $0 == nil { $0 = .noReply } }
      await process.kill()
    } else {
      let settle = clock.now + .seconds(1)
      while answer.value == nil, clock.now < settle {
        try? await Task.sleep(for: .milliseconds(5))
      }
      answer.withLock { if $0 == nil { $0 = .closedBeforeReplying } }
    }
    call.cancel()
    for orphan in await collectOrphans(excluding: excluded, names: names) where !left.contains(where: { $0.pid == orphan.pid }) {
      left.append(orphan)
    }
    return .init(
      controller: answer.value ?? .noReply, exitedAfter: exitedAfter, exitStatus: process.exitStatus,
      leftBehind: left, orphansTracked: options.orphansTracked)
  }

  /// Processes re-parented to plugin-dev (it is a child subreaper) since the plugin started: reported, killed, reaped.
  func collectOrphans(excluding excluded: Set<Int32>, names: [Int32: String] = [:]) async -> [LeftProcess] {
    var left: [LeftProcess] = []
    try? await Task.sleep(for: .milliseconds(30))  // let re-parenting and the group SIGKILL land
    for _ in 0..<3 {
      let orphans = ProcessTable.ownChildren(except: excluded.union(left.map(\.pid)))
      if orphans.isEmpty { break }
      for orphan in orphans {
        left.append(LeftProcess(pid: orphan.pid, command: names[orphan.pid] ?? ProcessTable.commandLine(orphan.pid) ?? orphan.name))
        if orphan.isZombie {
          ProcessTable.reap(orphan.pid)
        } else {
          await ProcessTable.killAndReap(orphan.pid)
        }
      }
    }
    return left
  }
}
