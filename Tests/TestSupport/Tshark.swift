import Foundation
import PluginHost

/// tshark (Wireshark's command line), to read the captures plugin-dev writes as a user would.
/// `.ci/run` installs it (Debian package `tshark`).
public enum Tshark {
  /// The tshark executable on PATH (or /usr/bin), if installed.
  public static var path: String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let folders = path.split(separator: ":").map(String.init) + ["/usr/bin"]
    return folders.map { "\($0)/tshark" }.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// Tests that need tshark run where it is installed, and always in CI (where a missing tshark is a failure).
  public static var shouldTest: Bool { path != nil || ProcessInfo.processInfo.environment["CI"] != nil }

  /// What to install when tshark is missing.
  public static let installHint = "apt-get install tshark (.ci/run does)"

  /// Why tshark could not be used.
  public struct Failure: Error, CustomStringConvertible {
    /// What happened.
    public var description: String
  }

  /// Runs `tshark ARGUMENTS…`; its stdout lines.
  /// - Throws: `Failure` when tshark is missing, fails or hangs.
  public static func run(_ arguments: [String], timeout: Duration = .seconds(120)) async throws -> [String] {
    guard let path else { throw Failure(description: "tshark is not installed: \(installHint)") }
    let process = try await PluginProcess.start(.init(executable: path, arguments: arguments))
    let output = OutputCollector(process: process)
    let status = await process.waitForExit(timeout: timeout)
    if status == nil { await process.kill() }
    await output.finished()
    guard status == .exited(0) else {
      throw Failure(
        description: "tshark \(arguments.joined(separator: " ")): \(String(describing: status))\n"
          + output.stderr.joined(separator: "\n"))
    }
    return output.stdout
  }

  /// Every occurrence of `field` in the capture, in packet order, with TCP port `http2Port`
  /// decoded as HTTP/2 (`-d tcp.port==PORT,http2`, what plugin-dev tells the user to type).
  public static func values(of field: String, in capture: String, http2Port: Int) async throws -> [String] {
    let lines = try await run([
      "-r", capture, "-d", "tcp.port==\(http2Port),http2", "-T", "fields", "-e", field, "-E", "occurrence=a",
      "-E", "aggregator=|",
    ])
    return lines.flatMap { $0.split(separator: "|", omittingEmptySubsequences: true).map(String.init) }
  }

  /// tshark's expert summary (`-z expert`) with IPv4 and TCP checksum validation on: the groups
  /// it lists (`Errors`, `Warnings`, `Notes`, `Chats`, `Comments`) and their lines.
  public static func expertInfo(_ capture: String, http2Port: Int) async throws -> [String] {
    try await run([
      "-r", capture, "-d", "tcp.port==\(http2Port),http2", "-o", "tcp.check_checksum:TRUE", "-o",
      "ip.check_checksum:TRUE", "-q", "-z", "expert",
    ])
  }
}
