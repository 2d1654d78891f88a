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
    /// It failed for a reason plugin-dev recognises; what to do (after `finished`).
    case hint(String)
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
        .init(
          executable: executable, arguments: arguments, environment: target.environment,
          workingDirectory: target.folder.path))
    } catch {
      report(.output(error.description, stream: .stderr))
      report(.finished(status: .exited(127), seconds: 0))
      return .exited(127)
    }
    spawned(process)
    var status: PluginProcess.ExitStatus = .exited(1)
    var tail: [String] = []
    for await event in process.events {
      switch event {
      case .line(let stream, let line, _):
        report(.output(line.text, stream: stream))
        tail.append(line.text)
        if tail.count > 50 { tail.removeFirst() }
      case .exited(let s, _): status = s
      case .closed: break
      }
    }
    report(.finished(status: status, seconds: (clock.now - start).seconds))
    if !status.isSuccess, let hint = hint(forOutput: tail) { report(.hint(hint)) }
    return status
  }

  /// What to do about a failed build whose last output lines are `lines`, when the cause is known.
  public static func hint(forOutput lines: [String]) -> String? {
    let text = lines.joined(separator: "\n")
    if text.contains("go.mod file indicates go") || text.contains("go.mod requires go >=") {
      return "This Go is older than the version go.mod asks for. Install a newer Go, or build without "
        + "modules as the Go template's build.sh does (GOPATH mode against Debian's golang-*-dev packages: "
        + "GO111MODULE=off GOPATH=<gopath>:/usr/share/gocode go build)."
    }
    if text.contains("proxy.golang.org") || (text.contains("go: ") && text.contains("dial tcp")) {
      return "go could not download modules (no network or no module proxy here). Build without modules as the "
        + "Go template's README shows (GO111MODULE=off with Debian's golang-*-dev packages), or vendor them."
    }
    if text.contains("No matching distribution found") || text.contains("Could not find a version that satisfies") {
      return "pip could not install the requirements (no network or no package index): install them once "
        + "where PyPI is reachable, or point pip at a mirror (PIP_INDEX_URL)."
    }
    return nil
  }
}
