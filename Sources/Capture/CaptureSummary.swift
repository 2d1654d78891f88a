import Foundation

/// What a written capture holds and how to read it: the line plugin-dev prints after writing one.
public struct CaptureSummary: Sendable, Hashable, CustomStringConvertible {
  /// Where the capture was written.
  public var path: String
  /// What it holds.
  public var counts: CaptureCounts
  /// The port standing for the plugin (`-d tcp.port==PORT,http2`).
  public var decodePort: UInt16
  /// The in-memory limit, when it was reached and the capture ends early.
  public var filledLimit: Int?
  /// Relayed bytes not in the capture because the limit was reached.
  public var unrecordedBytes: Int
  /// Why writing stopped early, if it did.
  public var error: String?

  /// A summary.
  public init(
    path: String, counts: CaptureCounts, decodePort: UInt16, filledLimit: Int? = nil, unrecordedBytes: Int = 0,
    error: String? = nil
  ) {
    self.path = path
    self.counts = counts
    self.decodePort = decodePort
    self.filledLimit = filledLimit
    self.unrecordedBytes = unrecordedBytes
    self.error = error
  }

  /// The tshark command that decodes the capture as HTTP/2 (and gRPC).
  public var readCommand: String {
    "tshark -r \(Self.shellQuoted(path)) -d tcp.port==\(decodePort),http2"
  }

  /// `wrote 42 packets (3 connections, 1234 bytes relayed) to FILE; read it with: tshark …`, plus
  /// what is missing when the capture ends early.
  public var description: String {
    let connections = counts.connections == 1 ? "1 connection" : "\(counts.connections) connections"
    var text =
      counts.connections == 0
      ? "wrote an empty capture (no relay connection) to \(path)"
      : "wrote \(counts.packets) packets (\(connections), \(counts.payloadBytes) bytes relayed) to \(path)"
    text += "; read it with: \(readCommand)"
    if let filledLimit {
      text +=
        "; it ends early: the in-memory capture is limited to \(Self.mebibytes(filledLimit)) and filled up, "
        + "\(unrecordedBytes) later relayed bytes are not in it (run --pcap FILE records a whole session)"
    }
    if let error { text += "; it ends early: \(error)" }
    return text
  }

  /// `path` as one shell word (quoted only when it needs to be).
  static func shellQuoted(_ path: String) -> String {
    let plain = path.allSatisfy { $0.isLetter || $0.isNumber || "/._-+,:@%".contains($0) }
    if plain && !path.isEmpty { return path }
    return "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  private static func mebibytes(_ bytes: Int) -> String {
    bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : "\(bytes) bytes"
  }
}
