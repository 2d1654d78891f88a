/// The tabs of the side pane.
public enum SideTab: Int, Sendable, Hashable, CaseIterable {
  /// Handshake fields, environment sent, diagnosis.
  case handshake
  /// Health status and history.
  case health
  /// Plugin stderr, stray stdout, build output, notices.
  case logs

  /// The tab's title.
  public var title: String {
    switch self {
    case .handshake: "Handshake"
    case .health: "Health"
    case .logs: "Logs"
    }
  }

  /// The tab to the right (or left), wrapping around.
  public func cycled(backwards: Bool) -> SideTab {
    let all = Self.allCases
    return all[(rawValue + (backwards ? all.count - 1 : 1)) % all.count]
  }
}
