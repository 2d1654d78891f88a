import Foundation
import PluginHost
import PluginSession

/// One line of console output.
public enum ConsoleLine: Sendable, Equatable {
  /// A command as typed.
  case command(String)
  /// A finished call with its status, result and latency.
  case result(CallRecord)
  /// Information (help, export done, restart done).
  case info(String)
  /// Something went wrong (unknown command, export failed).
  case error(String)
}
