import Capture
import Foundation
import PluginHost
import WireTap

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes a plugin-dev log (`run --export`, `wrap --log`): the header, then one JSON line per
/// event, each written as it happens so the file can be followed (`plugin-dev view`, `tail -f`);
/// `wrap --log` writes the relay's frames a batch at a time (`deferWrite`, `flush()`).
///
/// The file is made readable by its owner only: it holds the plugin's environment (the magic
/// cookie) and, under AutoMTLS, decrypted traffic. While it is open the recorder holds a shared
/// `flock` on it: `view` follows the file as long as a writer holds one.
public final class SessionRecorder: Sendable {
  /// Where it writes.
  public let path: String
  private struct State {
    var descriptor: Int32
    var frames = 0
    var events = 0
    var failure: String?
    /// Lines recorded with `deferWrite` and not written yet.
    var unwritten = Data()
  }

  /// Deferred lines are written once this many bytes wait, at the latest.
  static let unwrittenLimit = 64 << 10
  private let state: LockedValue<State>
  private let encoder = LockedValue(RecordingLine.makeEncoder())

  /// Creates `path` anew (mode 0600, see `PrivateOutputFile`) and writes `header`.
  /// - Throws: `RecordingError` when the file cannot be made, or when what is at `path` is refused
  ///   (a symbolic link, another user's file, a file others may write).
  public init(path: String, header: RecordingHeader) throws(RecordingError) {
    self.path = path
    let descriptor: Int32
    do {
      descriptor = try PrivateOutputFile.open(path)
    } catch {
      throw RecordingError(path: path, line: nil, message: error.description)
    }
    // Held until the file is closed (or this process ends): how `view` knows a writer is at work.
    _ = flock(descriptor, LOCK_SH)
    state = LockedValue(State(descriptor: descriptor))
    append(RecordingLine(.header(header), time: header.time))
  }

  /// Records an event. With `deferWrite` the line waits for `flush()` (or the next line recorded
  /// without it), so a batch of frames costs one write; lines keep their order either way.
  public func record(_ event: SessionEvent, at time: Date = Date(), deferWrite: Bool = false) {
    if case .frame = event { state.withLock { $0.frames += 1 } }
    append(RecordingLine(.event(event), time: time), deferWrite: deferWrite)
  }

  /// Writes the lines recorded with `deferWrite`.
  public func flush() {
    state.withLock { Self.writeUnwritten(&$0) }
  }

  private static func writeUnwritten(_ state: inout State) {
    guard !state.unwritten.isEmpty else { return }
    defer { state.unwritten.removeAll(keepingCapacity: true) }
    guard state.descriptor >= 0, state.failure == nil else { return }
    if let failed = writeAll(state.descriptor, state.unwritten) { state.failure = String(cString: strerror(failed)) }
  }

  /// Frames written so far.
  public var frames: Int { state.withLock { $0.frames } }
  /// Events written so far (frames included).
  public var events: Int { state.withLock { $0.events } }
  /// Why a write failed (the first failure), if one did.
  public var failure: String? { state.withLock { $0.failure } }

  private func append(_ line: RecordingLine, deferWrite: Bool = false) {
    var data: Data
    if case .event(.frame(let record)) = line.content {
      // Most lines are frames: written by hand, the same bytes as the encoder's.
      data = Data(record.jsonBytes(event: "frame"))
    } else {
      guard let encoded = encoder.withLock({ try? $0.encode(line) }) else { return }
      data = encoded
    }
    data.append(0x0A)
    state.withLock { state in
      guard state.descriptor >= 0, state.failure == nil else { return }
      state.events += 1
      state.unwritten.append(data)
      if !deferWrite || state.unwritten.count >= Self.unwrittenLimit { Self.writeUnwritten(&state) }
    }
  }

  /// Closes the file.
  public func close() {
    state.withLock { state in
      Self.writeUnwritten(&state)
      if state.descriptor >= 0 { closeDescriptor(state.descriptor) }
      state.descriptor = -1
    }
  }
}

/// Writes all of `data`; returns errno on failure.
private func writeAll(_ descriptor: Int32, _ data: Data) -> Int32? {
  data.withUnsafeBytes { buffer -> Int32? in
    var offset = 0
    while offset < buffer.count {
      let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
      if written < 0 {
        if errno == EINTR { continue }
        return errno
      }
      offset += written
    }
    return nil
  }
}

private func closeDescriptor(_ descriptor: Int32) {
  _ = close(descriptor)
}

/// A log that cannot be written or read: which file, which line, what is wrong.
public struct RecordingError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file.
  public var path: String
  /// The 1-based line, when the problem is in one.
  public var line: Int?
  /// What is wrong, and what to do.
  public var message: String

  /// Creates an error.
  public init(path: String, line: Int?, message: String) {
    self.path = path
    self.line = line
    self.message = message
  }

  /// `FILE:LINE: message`.
  public var description: String {
    if let line { return "\(path):\(line): \(message)" }
    return "\(path): \(message)"
  }
}
