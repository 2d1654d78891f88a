import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A pcapng file written as the capture goes: every write goes straight to the file, so memory
/// stays bounded however long the session, and the file can be read while it grows.
public final class PcapngFile: Sendable {
  /// Where the file is.
  public let path: String
  private let handle: FileHandle

  /// Creates the file at `path` (`~` expanded) anew, readable by its owner only (it holds the
  /// plugin's traffic, decrypted under AutoMTLS); see `PrivateOutputFile` for what is refused.
  /// - Throws: `PcapngFileError.refused` saying what was refused or the system's reason.
  public init(path: String) throws(PcapngFileError) {
    let expanded = (path as NSString).expandingTildeInPath
    let descriptor: Int32
    do {
      descriptor = try PrivateOutputFile.open(expanded)
    } catch {
      throw .refused(error)
    }
    self.path = expanded
    handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
  }

  /// Appends bytes.
  /// - Throws: `PcapngFileError.writeFailed` (disk full, file system gone).
  public func write(_ bytes: [UInt8]) throws(PcapngFileError) {
    guard !bytes.isEmpty else { return }
    do {
      try handle.write(contentsOf: bytes)
    } catch {
      throw .writeFailed(path: path, reason: error.localizedDescription)
    }
  }

  /// Closes the file; later writes fail.
  public func close() {
    try? handle.close()
  }

  /// Writes a whole capture to `path` at once, replacing the file (a snapshot export).
  public static func write(_ bytes: [UInt8], to path: String) throws(PcapngFileError) {
    let file = try PcapngFile(path: path)
    defer { file.close() }
    try file.write(bytes)
  }
}

/// Why a capture file could not be written.
public enum PcapngFileError: Error, Sendable, Hashable, CustomStringConvertible {
  /// What is at the path was refused, or the system refused to create the file.
  case refused(PrivateOutputFileError)
  /// Writing failed part-way; the file ends early.
  case writeFailed(path: String, reason: String)

  /// What happened and what to do.
  public var description: String {
    switch self {
    case .refused(.cannotCreate(let path, let reason)):
      "cannot create the capture file \(path): \(reason) (check that its folder exists and is writable)"
    case .refused(let error):
      "capture file: \(error)"
    case .writeFailed(let path, let reason):
      "writing the capture file \(path) failed: \(reason); the file ends where the failure happened"
    }
  }
}
