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

  /// `--host`'s value: a file when it names one (a path with `/`, or ending in `.json`), else a
  /// built-in profile's name.
  public func resolve(
    _ value: String,
    currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
  ) throws(HostProfileError) -> HostProfile {
    if value.contains("/") || value.hasSuffix(".json") {
      return try HostProfile.load(URL(fileURLWithPath: value, relativeTo: currentDirectory).standardizedFileURL)
    }
    guard names.contains(value) else { throw .unknown(value, available: names) }
    return try HostProfile.load(folder.appendingPathComponent(value + ".json"))
  }
}
