import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Opens an output file that only its owner can read (`wrap --log`, `run --export`, `--pcap`),
/// refusing what another user could have planted at the path.
///
/// A symbolic link at the path is refused (writing through it would overwrite its target), so is
/// anything but a regular file, a file owned by another user and a file others may write (a user
/// who pre-created it would read the captured traffic). `.replace` makes the file anew: an
/// `O_EXCL` temporary file in the same folder, mode 0600, renamed over the path, so nobody holds
/// a descriptor to it. `.append` opens an existing file of ours (`O_NOFOLLOW`, checked again on
/// the descriptor) or creates it as `.replace` does.
public enum PrivateOutputFile {
  /// How an existing file is treated.
  public enum Mode: Sendable, Hashable {
    /// The file is made anew, empty.
    case replace
    /// Writes go after what the file holds; made anew when there is none.
    case append
  }

  /// Opens `path` for writing (no `~` expansion) and returns its descriptor, close-on-exec.
  /// - Throws: `PrivateOutputFileError` saying what was refused and what to do.
  public static func open(_ path: String, mode: Mode = .replace) throws(PrivateOutputFileError) -> Int32 {
    var status = stat()
    if lstat(path, &status) == 0 {
      try vet(status, path: path)
      if mode == .append { return try openForAppending(path) }
    } else if errno != ENOENT {
      throw .cannotCreate(path: path, reason: errorText())
    }
    return try create(path)
  }

  /// Refuses a link, a non-regular file, another user's file and a file others may write.
  static func vet(_ status: stat, path: String) throws(PrivateOutputFileError) {
    let type = status.st_mode & S_IFMT
    if type == S_IFLNK { throw .symbolicLink(path: path) }
    guard type == S_IFREG else { throw .notRegularFile(path: path, kind: kindName(type)) }
    guard status.st_uid == geteuid() else {
      throw .ownedByAnotherUser(path: path, owner: userName(status.st_uid))
    }
    if status.st_mode & S_IWOTH != 0 {
      throw .writableByOthers(path: path, mode: String(status.st_mode & 0o7777, radix: 8))
    }
  }

  private static func openForAppending(_ path: String) throws(PrivateOutputFileError) -> Int32 {
    let descriptor = systemOpen(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC)
    guard descriptor >= 0 else {
      if errno == ELOOP { throw .symbolicLink(path: path) }
      throw .cannotCreate(path: path, reason: errorText())
    }
    var status = stat()
    do throws(PrivateOutputFileError) {
      guard fstat(descriptor, &status) == 0 else { throw .cannotCreate(path: path, reason: errorText()) }
      try vet(status, path: path)
      guard fchmod(descriptor, 0o600) == 0 else { throw .cannotCreate(path: path, reason: errorText()) }
    } catch {
      _ = close(descriptor)
      throw error
    }
    return descriptor
  }

  private static func create(_ path: String) throws(PrivateOutputFileError) -> Int32 {
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    let name = url.lastPathComponent
    for attempt in 0..<100 {
      let temporary = (folder as NSString).appendingPathComponent(".\(name).plugin-dev-\(getpid())-\(attempt)")
      let descriptor = systemOpen(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
      if descriptor < 0 {
        if errno == EEXIST { continue }
        throw .cannotCreate(path: path, reason: errorText())
      }
      // The umask may only take bits away; fchmod makes it exactly 0600 all the same.
      guard fchmod(descriptor, 0o600) == 0, rename(temporary, path) == 0 else {
        let reason = errorText()
        _ = unlink(temporary)  // our own temporary file, never anything else
        _ = close(descriptor)
        throw .cannotCreate(path: path, reason: reason)
      }
      return descriptor
    }
    throw .cannotCreate(path: path, reason: "no free temporary name in \(folder)")
  }

  /// What a file type (`st_mode & S_IFMT`) is, in words, for a refusal: "a FIFO", "a folder", ….
  public static func kindName(_ type: mode_t) -> String {
    switch type {
    case S_IFDIR: "a folder"
    case S_IFIFO: "a FIFO"
    case S_IFCHR: "a character device"
    case S_IFBLK: "a block device"
    case S_IFSOCK: "a socket"
    default: "not a regular file"
    }
  }

  private static func userName(_ uid: uid_t) -> String {
    guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
    return "\(String(cString: name)) (uid \(uid))"
  }

  private static func errorText() -> String {
    String(cString: strerror(errno))
  }
}

/// `open(2)` (the enum's own `open` hides the system's inside it).
private func systemOpen(_ path: String, _ flags: Int32, _ mode: mode_t = 0) -> Int32 {
  open(path, flags, mode)
}

/// Why `PrivateOutputFile` did not open a file.
public enum PrivateOutputFileError: Error, Sendable, Hashable, CustomStringConvertible {
  /// A symbolic link sits at the path.
  case symbolicLink(path: String)
  /// The path is a folder, FIFO, device or socket.
  case notRegularFile(path: String, kind: String)
  /// The file belongs to another user.
  case ownedByAnotherUser(path: String, owner: String)
  /// Users other than its owner may write the file (`mode` in octal).
  case writableByOthers(path: String, mode: String)
  /// The system refused to create or open the file.
  case cannotCreate(path: String, reason: String)

  /// What was refused, why, and what to do.
  public var description: String {
    switch self {
    case .symbolicLink(let path):
      "refused to write \(path): it is a symbolic link, and writing through it would overwrite the file it points to; "
        + "remove the link or choose another path"
    case .notRegularFile(let path, let kind):
      "refused to write \(path): it is \(kind), not a regular file; choose a file path"
    case .ownedByAnotherUser(let path, let owner):
      "refused to write \(path): the file belongs to \(owner), who could read what is written to it; "
        + "remove it (or choose another path) and plugin-dev creates a file only you can read"
    case .writableByOthers(let path, let mode):
      "refused to write \(path): its mode \(mode) lets other users write it; "
        + "remove it (or choose another path) and plugin-dev creates a file only you can read"
    case .cannotCreate(let path, let reason):
      "cannot create \(path): \(reason) (check that its folder exists and that you may write there)"
    }
  }
}
