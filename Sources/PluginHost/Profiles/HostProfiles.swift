import Foundation

/// The built-in host profiles (`Profiles/*.json`, shipped beside `Templates/`) and the lookup of
/// `--host NAME|FILE`.
public struct HostProfiles: Sendable {
  /// The folder of the built-in profiles.
  public let folder: URL

  /// The profiles in `folder`.
  public init(folder: URL) {
    self.folder = folder
  }

  /// The built-in profiles' names, sorted.
  public var names: [String] {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
    return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
  }

  /// Every built-in profile, by name.
  public func all() throws(HostProfileError) -> [HostProfile] {
    var profiles: [HostProfile] = []
    for name in names { profiles.append(try HostProfile.load(folder.appendingPathComponent(name + ".json"))) }
    return profiles
  }

  /// The file `--host`'s value names: the value itself when it is a file (a path with `/`, or
  /// ending in `.json`), else the built-in profile of that name.
  public func file(
    for value: String,
    currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
  ) throws(HostProfileError) -> URL {
    if value.contains("/") || value.hasSuffix(".json") {
      return URL(fileURLWithPath: value, relativeTo: currentDirectory).standardizedFileURL
    }
    guard names.contains(value) else { throw .unknown(value, available: names) }
    return folder.appendingPathComponent(value + ".json")
  }

  /// The profile `--host`'s value names (see `file(for:currentDirectory:)`).
  public func resolve(
    _ value: String,
    currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
  ) throws(HostProfileError) -> HostProfile {
    try HostProfile.load(try file(for: value, currentDirectory: currentDirectory))
  }
}
