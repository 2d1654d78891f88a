import AutoMTLS
import Foundation
import GRPCCore
import PluginProtocol

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The actions that do I/O: the build step, the spawn, Shutdown and the teardown.
extension HostCore {
  func build(_ epoch: Int) async {
    guard let step = target.build else { return feed(.buildFinished(success: true), from: epoch) }
    let status = await BuildStep.run(
      step, for: target,
      spawned: { process in
        building = process
        if machine.state != .building { process.signalGroup(SIGKILL) }
      }, report: { observe(.build($0)) })
    building = nil
    feed(.buildFinished(success: status.isSuccess), from: epoch)
  }

  func spawn() {
    let epoch = self.epoch
    starts += 1
    run = Run(epoch: epoch)
    do {
      run?.socketFolder = try HostLaunch.socketDirectory(options)
    } catch {
      // Fed later, as a spawn's failure is: the machine is still performing this start's actions.
      Task {
        guard epoch == self.epoch else { return }
        self.observe(.notice(error.description))
        self.feed(.spawnFailed(reason: error.description), from: epoch)
      }
      return
    }
    let environment = HostLaunch.environment(
      target, options, clientCertificatePEM: autoMTLSIdentity?.certificatePEM, socketDirectory: run?.socketFolder?.path)
    machine.configuration.expectations = environment.expectations()
    let launch = HostLaunch.launch(target, options, environment: environment)
    if starts == 1, target.command.looksLikePython,
      let unbuffered = options.pythonUnbufferedToRemove(given: launch.environment),
      !options.removedEnvironment.contains(unbuffered), ProcessInfo.processInfo.environment[unbuffered] != nil
    {
      observe(
        .notice(
          "PYTHONUNBUFFERED is set here but not passed on: a host on another machine rarely has it, and without it "
            + "a Python plugin that does not flush its handshake hangs (--env PYTHONUNBUFFERED=1 passes it)"))
    }
    let info = StartInfo(
      pid: 0, command: target.command.description, environment: environment.variables,
      removedEnvironment: launch.removedEnvironment, workingDirectory: target.workingDirectory.path, startedAt: Date(),
      generation: starts, inheritedCount: HostLaunch.inheritedCount(launch, shown: environment.variables),
      host: options.profile?.name)
    Task {
      do {
        let process = try await PluginProcess.start(launch)
        self.spawned(process, info: info, epoch: epoch)
      } catch let error as PluginProcessError {
        self.spawnFailed(error, epoch: epoch)
      } catch {
        self.spawnFailed(.launchFailed(executable: launch.executable, reason: "\(error)"), epoch: epoch)
      }
    }
  }

  func spawned(_ process: PluginProcess, info: StartInfo, epoch: Int) {
    guard epoch == self.epoch, let run, run.epoch == epoch else {
      process.signalGroup(SIGKILL)
      return
    }
    run.process = process
    // While the plugin starts, make what the relay needs: its folder and the connection's thread
    // (the time from the handshake to SERVING, issue #14 target 4).
    if options.tap || options.autoMTLS {
      run.proxyDirectory = try? Self.makeRelayDirectory()
      _ = EventLoopExecutor.shared
    }
    var info = info
    info.pid = process.pid
    observe(.started(process, info))
    run.tasks.append(
      Task {
        for await event in process.events { self.processEvent(event, epoch: epoch) }
      })
    feed(.spawned(at: process.startedAt), from: epoch)
  }

  func spawnFailed(_ error: PluginProcessError, epoch: Int) {
    guard epoch == self.epoch else { return }
    observe(.spawnFailed(error))
    feed(.spawnFailed(reason: error.description), from: epoch)
  }

  func processEvent(_ event: PluginProcess.Event, epoch: Int) {
    guard epoch == self.epoch else { return }
    observe(.output(event))
    switch event {
    case .line(.stdout, let line, let at): feed(.stdout(line.text, at: at))
    case .line(.stderr, let line, _): feed(.stderr(line.text))
    case .closed(.stdout, let at): feed(.stdoutClosed(at: at))
    case .closed: break
    case .exited(let status, let at): feed(.exited(status, at: at))
    }
  }

  /// Calls `plugin.GRPCController/Shutdown`; its outcome is kept for `check`.
  func sendShutdown() {
    guard let run, let connection = run.connection else { return }
    let sent = ContinuousClock.now
    let answer = run.answer
    run.shutdown = (
      sent,
      Task {
        typealias Controller = ShutdownReply
        var callOptions = CallOptions.defaults
        callOptions.timeout = .seconds(10)
        let result: Controller
        do {
          _ = try await Plugin_GRPCController.Client(wrapping: connection.client).shutdown(
            Plugin_Empty(), options: callOptions)
          result = .answered(milliseconds: Int(((ContinuousClock.now - sent).seconds * 1000).rounded()))
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
    )
  }

  /// Closes what the start opened, settles the Shutdown call's outcome, removes a killed
  /// plugin's socket; a stop returns once this is done.
  func teardown() {
    guard let run else { return }
    self.run = nil
    pending += 1
    timers.cancelAll()
    Task {
      var outcome = StopOutcome(status: run.exit?.status)
      if let shutdown = run.shutdown {
        if !run.graceExpired, let exit = run.exit {
          outcome.exitedAfter = exit.at - shutdown.sent
          // The answer may race the exit: give it a moment, then count it as not sent.
          await Self.first(shutdown.task, within: .seconds(1))
          run.answer.withLock { if $0 == nil { $0 = .closedBeforeReplying } }
        } else {
          run.answer.withLock { if $0 == nil { $0 = .noReply } }
        }
        shutdown.task.cancel()
        outcome.controller = run.answer.withLock { $0 }
      }
      run.streams?.cancel()
      for task in run.tasks { task.cancel() }
      await run.connection?.close()
      await run.servedProxy?.close()
      await run.proxy?.close()
      await self.drainTraffic(of: run)
      run.proxyDirectory?.remove()
      run.socketFolder?.remove()
      if run.killed { LeftoverSocket.remove(announcedBy: run.handshake) }
      if self.options.attach != nil { await self.noteAttachedAfterStop(run) }
      self.tornDown(outcome)
    }
  }

  func tornDown(_ outcome: StopOutcome) {
    lastStop = outcome
    done()
  }

  /// Waits for `task`, at most `limit`.
  static func first(_ task: Task<Void, Never>, within limit: Duration) async {
    await withTaskGroup(of: Void.self) { group in
      group.addTask {
        await withTaskCancellationHandler {
          await task.value
        } onCancel: {
          task.cancel()
        }
      }
      group.addTask { try? await Task.sleep(for: limit) }
      await group.next()
      group.cancelAll()
    }
  }

  /// The session's AutoMTLS certificate (made once, on first use), or nil without `autoMTLS`.
  var autoMTLSIdentity: AutoMTLSIdentity? {
    guard options.autoMTLS else { return nil }
    if let identity { return identity }
    do {
      identity = try AutoMTLSIdentity.generate()
    } catch {
      observe(.notice("could not make the AutoMTLS certificate (\(error)); starting without PLUGIN_CLIENT_CERT"))
    }
    return identity
  }
}
