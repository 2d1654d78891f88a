import Foundation

/// Stores each value in a file `kv_<key>` inside one folder; keys that could escape it are refused.
public struct FileKVStore: KVStore {
  /// The folder values are stored in.
  public let directory: URL

  /// Stores values in `directory` (which must exist).
  public init(directory: URL) {
    self.directory = directory
  }

  /// The file's bytes; `KVError.notFound` when there is no file.
  public func get(key: String) async throws -> Data {
    let url = directory.appendingPathComponent(try KVKey.fileName(for: key), isDirectory: false)
    // A link planted in the store folder is never followed: values are read from regular files only.
    let type = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.type] as? FileAttributeType
    if type == .typeSymbolicLink {
      throw KVError.storage("\(url.path) is a symbolic link; the store reads only regular files it wrote")
    }
    do {
      return try Data(contentsOf: url)
    } catch CocoaError.fileReadNoSuchFile {
      throw KVError.notFound(key)
    } catch {
      throw KVError.storage("reading \(url.path) failed: \(error.localizedDescription)")
    }
  }

  /// Writes the file atomically.
  public func put(key: String, value: Data) async throws {
    let url = directory.appendingPathComponent(try KVKey.fileName(for: key), isDirectory: false)
    do {
      try value.write(to: url, options: .atomic)
    } catch {
      throw KVError.storage("writing \(url.path) failed: \(error.localizedDescription)")
    }
  }
}
