import Foundation
import PluginProtocol

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What a plugin that had to be killed leaves in the temp folder: its unix socket and, for a
/// PluginServer (or any plugin using a private `plugin-XXXXXX` folder), that folder.
///
/// A plugin that exits by itself removes them; one ended by SIGKILL cannot, and go-plugin hosts
/// remove only folders they created themselves (docs/protocol.md §6).
enum LeftoverSocket {
  /// Removes the socket a dead plugin announced, when it is still there, is a socket and is ours,
  /// then its folder when that is an empty `plugin-…` folder directly in the temp folder.
  static func remove(announcedBy line: HandshakeLine?) {
    guard let line, line.network == .unix else { return }
    let path = line.address
    var info = stat()
    guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFSOCK, info.st_uid == getuid() else { return }
    unlink(path)
    let folder = (path as NSString).deletingLastPathComponent
    let name = (folder as NSString).lastPathComponent
    guard name.hasPrefix("plugin-"), (folder as NSString).deletingLastPathComponent == PrivateDirectory.temporaryBase
    else { return }
    rmdir(folder)
  }
}
