/// The pane that receives keys.
public enum Focus: Int, Sendable, Hashable, CaseIterable {
  /// The frame log.
  case frames
  /// The side pane (Handshake / Health / Logs).
  case side
  /// The console input line.
  case console

  /// The next pane for Tab (or the previous one for Shift-Tab).
  public func cycled(backwards: Bool) -> Focus {
    let all = Self.allCases
    let index = all.firstIndex(of: self) ?? 0
    return all[(index + (backwards ? all.count - 1 : 1)) % all.count]
  }
}
