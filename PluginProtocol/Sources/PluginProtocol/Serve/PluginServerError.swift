/// Why a Swift plugin could not start serving; `description` says what to do, `exitCode` is go-plugin's.
public enum PluginServerError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The environment is unusable (no cookie, bad port range).
  case environment(PluginEnvironmentError)
  /// No listener could be opened.
  case listen(String)
  /// The gRPC server failed.
  case server(String)

  /// What happened (go-plugin's text for the cookie).
  public var description: String {
    switch self {
    case .environment(let e): return e.description
    case .listen(let text): return text
    case .server(let text): return "gRPC server failed: \(text)"
    }
  }

  /// Exit status: 1 for every failure, as go-plugin's `plugin.Serve` for the cookie.
  public var exitCode: Int32 { 1 }
}
