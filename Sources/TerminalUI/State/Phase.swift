/// Where the plugin is in its life, as the status bar shows it.
public enum Phase: Sendable, Equatable {
  /// Nothing has happened yet.
  case idle
  /// The build step runs.
  case building
  /// The build step failed (exit status as text).
  case buildFailed(String)
  /// The process runs; its handshake line has not arrived.
  case handshaking
  /// The handshake was accepted.
  case running
  /// The handshake failed (see `AppState.diagnosis`).
  case handshakeFailed
  /// The process ended (status as text); `expected` when plugin-dev stopped it.
  case exited(String, expected: Bool)
  /// plugin-dev is stopping the plugin to quit.
  case stopping
  /// The session is over.
  case finished

  /// A short label (`building…`, `handshake FAILED`, `exited 1`).
  public var label: String {
    switch self {
    case .idle: "starting…"
    case .building: "building…"
    case .buildFailed(let status): "build FAILED (\(status))"
    case .handshaking: "waiting for handshake…"
    case .running: "running"
    case .handshakeFailed: "handshake FAILED"
    case .exited(let status, let expected): expected ? "stopped (\(status))" : "EXITED (\(status))"
    case .stopping: "stopping…"
    case .finished: "finished"
    }
  }
}
