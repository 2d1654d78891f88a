import Foundation

/// A command run under GNU time, which writes the command's peak resident set size when it
/// ends: exact, and no sampling that a loaded machine could delay.
public struct PeakMemory: Sendable {
  /// Where time writes the peak (kilobytes).
  public let report: URL

  /// A fresh report file.
  public init() throws {
    report = try Fixtures.temporaryDirectory("plugin-dev-peak").appendingPathComponent("peak")
  }

  /// `command` prefixed so that it runs under time.
  public func wrapping(_ command: [String]) -> [String] {
    ["/usr/bin/time", "-f", "%M", "-o", report.path] + command
  }

  /// The peak in bytes, once the command has ended (0 when time wrote nothing).
  public var peak: Int {
    let text = (try? String(contentsOf: report, encoding: .utf8)) ?? ""
    return (text.split(separator: "\n").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }.last ?? 0) * 1024
  }
}
