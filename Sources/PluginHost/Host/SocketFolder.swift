import Foundation
import PluginProtocol

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The folder of one start for the plugin's unix sockets (`--socket-dir`): made like go-plugin's
/// `os.MkdirTemp(UnixSocketConfig.TempDir, "plugin-dir")` (0700, a name nobody can guess), given
/// to `--socket-group` with mode 0770 as go-plugin's `setGroupWritable` does, named in
/// `PLUGIN_UNIX_SOCKET_DIR`, removed when the plugin ends.
package struct SocketFolder: Sendable {
  /// The folder's path.
  package let path: String

  /// Why the folder could not be made.
  package struct Failure: Error, Sendable, CustomStringConvertible {
    /// What happened and what to do.
    package let description: String
  }

  /// Makes `<base>/plugin-dirXXXXXX`, given to `group` when one is named.
  package static func make(in base: String, group: String?) throws(Failure) -> SocketFolder {
    let trimmed = base.count > 1 && base.hasSuffix("/") ? String(base.dropLast()) : base
    var template = Array("\(trimmed)/plugin-dirXXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else {
      let reason = String(cString: strerror(errno))
      throw Failure(description: "couldn't make the socket folder in \(base) (--socket-dir): \(reason)")
    }
    let folder = SocketFolder(path: String(cString: made))
    if let group, !group.isEmpty, let reason = UnixGroup.give(folder.path, to: group, mode: 0o770) {
      folder.remove()
      throw Failure(
        description: "couldn't give the socket folder \(folder.path) to group \(group) (--socket-group): \(reason)")
    }
    return folder
  }

  /// Removes the folder and whatever the plugin left in it.
  package func remove() {
    try? FileManager.default.removeItem(atPath: path)
  }
}
