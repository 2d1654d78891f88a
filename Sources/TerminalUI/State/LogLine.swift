import Foundation
import PluginHost

/// One line of the Logs pane.
public struct LogLine: Sendable, Equatable {
  /// Where the line came from.
  public enum Source: Sendable, Equatable {
    /// Plugin stderr (or `plugin.GRPCStdio`), decoded.
    case log(LogEntry)
    /// A stdout line after the handshake (a go-plugin host drops these).
    case strayStdout(String)
    /// Build step output.
    case build(String, isStderr: Bool)
    /// plugin-dev's own notices (starting, stopping, relay).
    case notice(String)
    /// Something plugin-dev itself wrote to stderr.
    case host(String)
  }

  /// When it arrived.
  public var time: Date
  /// What it is.
  public var source: Source

  /// Creates a line.
  public init(time: Date, source: Source) {
    self.time = time
    self.source = source
  }
}

extension LogLine {
  /// About how many bytes the line holds.
  var approximateBytes: Int {
    switch source {
    case .log(let entry): return 96 + entry.raw.utf8.count + entry.message.utf8.count
    case .strayStdout(let text), .build(let text, _), .notice(let text), .host(let text): return 96 + text.utf8.count
    }
  }
}
