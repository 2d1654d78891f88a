import Foundation
import Logging

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A swift-log handler that writes hclog JSON lines to stderr (or any file descriptor).
///
/// Use it in plugins: a go-plugin host re-logs these lines with their level and fields.
/// Never point it at stdout — the handshake line must be the plugin's first stdout line.
public struct HCLogHandler: LogHandler {
  /// The hclog module name (`@module`).
  public var label: String
  /// Extra fields added to every line.
  public var metadata: Logger.Metadata = [:]
  /// Lowest level written.
  public var logLevel: Logger.Level
  private let output: FileHandleBox

  /// Creates a handler writing to `fileDescriptor` (default stderr).
  public init(label: String, level: Logger.Level = .debug, fileDescriptor: Int32 = STDERR_FILENO) {
    self.label = label
    self.logLevel = level
    self.output = FileHandleBox(fd: fileDescriptor)
  }

  /// Bootstraps swift-log so every `Logger` in the process writes hclog JSON to stderr.
  public static func bootstrap(level: Logger.Level = .debug) {
    LoggingSystem.bootstrap { label in HCLogHandler(label: label, level: level) }
  }

  /// Accesses one metadata field.
  public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
    get { metadata[key] }
    set { metadata[key] = newValue }
  }

  /// Writes one entry.
  public func log(event: LogEvent) {
    var fields: [String: Any] = [:]
    for (k, v) in metadata { fields[k] = HCLogHandler.json(v) }
    if let extra = event.metadata { for (k, v) in extra { fields[k] = HCLogHandler.json(v) } }
    let line = HCLogFormat.line(
      level: HCLogHandler.hclogLevel(event.level), message: event.message.description,
      module: label.isEmpty ? nil : label, fields: fields)
    output.write(line + "\n")
  }

  /// hclog's name for a swift-log level.
  public static func hclogLevel(_ level: Logger.Level) -> String {
    switch level {
    case .trace: return "trace"
    case .debug: return "debug"
    case .info, .notice: return "info"
    case .warning: return "warn"
    case .error, .critical: return "error"
    }
  }

  static func json(_ value: Logger.Metadata.Value) -> Any {
    switch value {
    case .string(let s): return s
    case .stringConvertible(let c):
      if let i = c as? Int { return i }
      if let d = c as? Double { return d }
      if let b = c as? Bool { return b }
      return c.description
    case .array(let a): return a.map(json)
    case .dictionary(let d): return d.mapValues(json)
    }
  }
}

/// Writes whole lines with one `write(2)` each so concurrent log lines never interleave.
final class FileHandleBox: Sendable {
  let fd: Int32
  init(fd: Int32) { self.fd = fd }
  func write(_ text: String) {
    var bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let n = bytes.withUnsafeMutableBytes { raw -> Int in
        guard let base = raw.baseAddress else { return 0 }
        return Foundation.write(fd, base + offset, raw.count - offset)
      }
      if n <= 0 {
        if n < 0 && errno == EINTR { continue }
        return
      }
      offset += n
    }
    bytes.removeAll()
  }
}
