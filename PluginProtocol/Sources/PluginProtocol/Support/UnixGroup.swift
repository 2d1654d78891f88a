#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A group named as go-plugin's `setGroupWritable` takes it: a number is a gid, anything else a
/// group name looked up in the group database (`PLUGIN_UNIX_SOCKET_GROUP`, `--socket-group`).
public enum UnixGroup {
  /// The gid of `group`, nil when it is neither a number nor a known group name.
  public static func id(_ group: String) -> gid_t? {
    if let number = UInt32(group) { return gid_t(number) }
    guard let entry = getgrnam(group) else { return nil }
    return entry.pointee.gr_gid
  }

  /// Gives `path` to `group` (the owner stays) and sets `mode`; nil on success, else why not.
  public static func give(_ path: String, to group: String, mode: mode_t) -> String? {
    guard let gid = id(group) else { return "no group \(group) on this machine" }
    guard chown(path, uid_t.max, gid) == 0 else { return String(cString: strerror(errno)) }
    guard chmod(path, mode) == 0 else { return String(cString: strerror(errno)) }
    return nil
  }
}
