import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes files below one folder without ever following a symbolic link or deleting anything.
///
/// Every folder on the way is checked with `lstat`: links are refused, missing folders are
/// created. A file is written to a fresh temporary file next to it and renamed into place,
/// so an existing file is replaced rather than written through (a hard link to a file
/// elsewhere keeps its content).
struct SafeFileWriter {
  /// The folder everything is written below; it must not be a link itself.
  let root: URL

  /// Throws when writing `relativePath` would go through a link or hit something that is not a regular file.
  func check(_ relativePath: String) throws(ScaffoldError) {
    let components = relativePath.split(separator: "/").map(String.init)
    var url = root
    for (index, component) in components.enumerated() {
      url.appendPathComponent(component)
      let isLast = index == components.count - 1
      switch FileKind.of(url.path) {
      case .missing: return
      case .symlink: throw .symlinkInTarget(url.path)
      case .folder: if isLast { throw .pathBlocked(url.path, reason: "a folder of that name is in the way") }
      case .file: if !isLast { throw .pathBlocked(url.path, reason: "a file is where a folder is needed") }
      case .other(let kind): throw .pathBlocked(url.path, reason: "a \(kind) is in the way")
      }
    }
  }

  /// Writes `data` to `relativePath` with `mode`, creating folders as needed.
  func writeFile(_ data: Data, to relativePath: String, mode: mode_t) throws(ScaffoldError) {
    try check(relativePath)
    let components = relativePath.split(separator: "/").map(String.init)
    var folder = root
    for component in components.dropLast() {
      folder.appendPathComponent(component)
      if FileKind.of(folder.path) == .missing, mkdir(folder.path, 0o755) != 0, errno != EEXIST {
        throw .writeFailed(folder.path, reason: Self.errorText())
      }
      guard FileKind.of(folder.path) == .folder else { throw .symlinkInTarget(folder.path) }
    }
    let destination = root.appendingPathComponent(relativePath)
    let (temporary, descriptor) = try makeTemporaryFile(in: folder, for: destination.lastPathComponent)
    var closed = false
    defer {
      if !closed { _ = close(descriptor) }
    }
    do throws(ScaffoldError) {
      try writeAll(data, to: descriptor, path: destination.path)
      guard fchmod(descriptor, mode) == 0 else { throw .writeFailed(destination.path, reason: Self.errorText()) }
      closed = true
      guard close(descriptor) == 0 else { throw .writeFailed(destination.path, reason: Self.errorText()) }
      try check(relativePath)
      guard rename(temporary, destination.path) == 0 else {
        throw .writeFailed(destination.path, reason: Self.errorText())
      }
    } catch {
      _ = unlink(temporary)  // our own temporary file, never anything else
      throw error
    }
  }

  private func makeTemporaryFile(in folder: URL, for name: String) throws(ScaffoldError) -> (String, Int32) {
    for attempt in 0..<100 {
      let path = folder.appendingPathComponent(".\(name).plugin-dev-\(getpid())-\(attempt)").path
      let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
      if descriptor >= 0 { return (path, descriptor) }
      if errno != EEXIST { throw .writeFailed(path, reason: Self.errorText()) }
    }
    throw .writeFailed(folder.appendingPathComponent(name).path, reason: "no free temporary file name")
  }

  private func writeAll(_ data: Data, to descriptor: Int32, path: String) throws(ScaffoldError) {
    var failure: Int32 = 0
    data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
      var offset = 0
      while offset < buffer.count, let base = buffer.baseAddress {
        let written = write(descriptor, base + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          failure = errno
          return
        }
        offset += written
      }
    }
    if failure != 0 { throw .writeFailed(path, reason: String(cString: strerror(failure))) }
  }

  private static func errorText() -> String {
    String(cString: strerror(errno))
  }
}
