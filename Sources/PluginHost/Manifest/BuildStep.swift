/// Runs a plugin folder's build step (`plugin.json`'s `build`) and reports its output as it comes.
///
/// Shared by `run` (the session) and `check`; the caller decides how to show the lines.
public enum BuildStep {
  /// What the build step did.
  public enum Event: Sendable, Equatable {
    /// The command started.
    case started(command: String)
    /// A line of its output.
    case output(String, stream: PluginProcess.Stream)
    /// It ended.
    case finished(status: PluginProcess.ExitStatus, seconds: Double)
  }

  /// Runs `build` in `target`'s folder with the target's environment and waits for it to end.
  ///
  /// - Parameters:
  ///   - spawned: called with the build process once it runs (so a caller can stop it).
  ///   - report: called for every event, in the caller's isolation.
  public static func run(
    _ build: PluginManifest.Command, for target: PluginTarget, isolation: isolated (any Actor)? = #isolation,
    spawned: (PluginProcess) -> Void = { _ in }, report: (Event) -> Void
  ) async -> PluginProcess.ExitStatus {
    report(.started(command: build.description))
    let (executable, arguments) = build.launchArguments(in: target.folder)
    let clock = ContinuousClock()
    let start = clock.now
    let process: PluginProcess
    do {
      process = try await PluginProcess.start(
        .init(executable: executable, arguments: arguments, environment: target.environment, workingDirectory: target.folder.path))
    } catch {
      report(.output(error.description, stream: .stderr))
      report(.finished(status: .exited(127), seconds: 0))
      return .exited(127)
    }
    spawned(process)
    var status: PluginProcess.ExitStatus = .exited(1)
    for await event in process.events {
      switch event {
      case .line(let stream, let line, _): report(.output(line.text, stream: stream))
      case .exited(let s, _): status = s
      case .closed: break
      }
    }
    report(.finished(status: status, seconds: (clock.now - start).seconds))
    return status
  }
}
