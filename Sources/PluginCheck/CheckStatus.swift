import PluginHost

/// The verdict of one check.
public enum CheckStatus: String, Sendable, Equatable, Hashable, Codable, CaseIterable {
  /// As a go-plugin host expects.
  case pass
  /// Works with a go-plugin host, but worth changing.
  case warn
  /// A go-plugin host would fail, hang, or lose data.
  case fail
  /// Does not apply, or could not be checked because an earlier check failed.
  case skip

  /// `PASS`, `WARN`, `FAIL`, `SKIP` for text output.
  public var label: String { rawValue.uppercased() }
}
