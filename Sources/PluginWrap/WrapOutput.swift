import Foundation

/// Where `wrap` passes the plugin's output on to, and writes its own notes: the host reads
/// wrap's stdout and stderr as the plugin's. The CLI gives the standard streams.
public struct WrapOutput: Sendable {
  /// Bytes for the host's stdout (the handshake line, then the plugin's later stdout).
  public var stdout: @Sendable ([UInt8]) -> Void
  /// Bytes for the host's stderr (the plugin's stderr, and wrap's hclog notes).
  public var stderr: @Sendable ([UInt8]) -> Void

  /// Output to the given writers.
  public init(stdout: @escaping @Sendable ([UInt8]) -> Void, stderr: @escaping @Sendable ([UInt8]) -> Void) {
    self.stdout = stdout
    self.stderr = stderr
  }

  /// This process's stdout and stderr.
  public static let standard = WrapOutput(
    stdout: { try? FileHandle.standardOutput.write(contentsOf: Data($0)) },
    stderr: { try? FileHandle.standardError.write(contentsOf: Data($0)) })

  /// `text` and a newline on stdout.
  func printLine(_ text: String) { stdout(Array((text + "\n").utf8)) }

  /// `text` and a newline on stderr.
  func errorLine(_ text: String) { stderr(Array((text + "\n").utf8)) }
}
