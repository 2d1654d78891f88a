import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A fresh folder only this user can enter (0700), made with `mkdtemp` under `$TMPDIR` (else
/// `/tmp`): its name cannot be guessed in advance, so nobody can plant a folder or a link there.
public struct PrivateDirectory: Sendable, Hashable {
  /// The folder's path.
  public let path: String

  /// Why a private folder could not be made.
  public struct CreationError: Error, Sendable, CustomStringConvertible {
    /// What happened and what to do.
    public let description: String
  }

  /// The temporary folder: `$TMPDIR` when set, else `/tmp`, without a trailing slash.
  public static var temporaryBase: String {
    let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    return base.count > 1 && base.hasSuffix("/") ? String(base.dropLast()) : base
  }

  /// Makes `<temporary folder>/<prefix>XXXXXX` with mode 0700.
  public static func make(prefix: String) throws(CreationError) -> PrivateDirectory {
    let base = temporaryBase
    var template = Array("\(base)/\(prefix)XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else {
      let reason = String(cString: strerror(errno))
      throw CreationError(
        description: "couldn't create a private folder in \(base): \(reason); set TMPDIR to a writable folder")
    }
    return PrivateDirectory(path: String(cString: made))
  }

  /// `path/name`.
  public func appending(_ name: String) -> String { path + "/" + name }

  /// Removes the folder and everything in it (links are removed, never followed).
  public func remove() {
    try? FileManager.default.removeItem(atPath: path)
  }
}
