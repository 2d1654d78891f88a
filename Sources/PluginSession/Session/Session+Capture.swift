import Capture
import Foundation
import PluginHost

extension Session {
  /// Writes the relay's traffic so far as pcapng to `path` (the console's `export FILE.pcapng`):
  /// what the memory holds, up to `SessionOptions.captureMemoryLimit` (the summary says when the
  /// capture ends early), once the traffic reported so far is recorded. Connections still open
  /// end without a FIN.
  public nonisolated func exportCapture(to path: String) async throws(CaptureExportError) -> CaptureSummary {
    guard let capture = core.capture else { throw .noRelay }
    await core.trafficCaughtUp()
    do {
      return try capture.export(to: path)
    } catch {
      throw .file(error)
    }
  }

  /// The `--pcap` file's summary (where, how much, how to read it) once the session finished; nil
  /// without `--pcap` or before `finish()`.
  public var captureFile: CaptureSummary? {
    get async { await core.captureSummary }
  }
}

/// Why the capture could not be exported.
public enum CaptureExportError: Error, Sendable, Hashable, CustomStringConvertible {
  /// The session runs without the decoding relay, so no traffic is recorded.
  case noRelay
  /// The file could not be written.
  case file(PcapngFileError)

  /// What happened and what to do.
  public var description: String {
    switch self {
    case .noRelay:
      "no capture: the session runs without the decoding relay (--no-tap), so its traffic is not recorded"
    case .file(let error): error.description
    }
  }
}
