import Foundation

/// What is at a path, without following a symbolic link there.
enum FileKind: Equatable {
  /// Nothing.
  case missing
  /// A regular file.
  case file
  /// A folder (not a link to one).
  case folder
  /// A symbolic link (wherever it points).
  case symlink
  /// Anything else (socket, pipe, device), named for messages.
  case other(String)

  /// The kind of `path`, as `lstat` sees it.
  static func of(_ path: String) -> FileKind {
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
      let type = attributes[.type] as? FileAttributeType
    else {
      return FileManager.default.fileExists(atPath: path) || isDanglingLink(path) ? .symlink : .missing
    }
    switch type {
    case .typeRegular: return .file
    case .typeDirectory: return .folder
    case .typeSymbolicLink: return .symlink
    case .typeSocket: return .other("socket")
    case .typeCharacterSpecial, .typeBlockSpecial: return .other("device")
    default: return .other("special file")
    }
  }

  private static func isDanglingLink(_ path: String) -> Bool {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) != nil
  }
}
