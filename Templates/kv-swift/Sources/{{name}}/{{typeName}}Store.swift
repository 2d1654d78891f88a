import Foundation
import PluginProtocol

/// The plugin's storage: each value in a file `kv_<key>` inside one folder. Put your own logic here.
///
/// `KVKey.fileName(for:)` refuses keys that could leave the folder (`/`, `\`, NUL, `.`, `..`,
/// empty, more than 200 bytes) with `KVError.invalidKey`, which `KVService` answers with
/// `INVALID_ARGUMENT`; `KVError.notFound` becomes `NOT_FOUND`.
struct {{typeName}}Store: KVStore {
  /// The folder values are stored in.
  let directory: URL

  func get(key: String) async throws -> Data {
    let url = directory.appendingPathComponent(try KVKey.fileName(for: key), isDirectory: false)
    do {
      return try Data(contentsOf: url)
    } catch CocoaError.fileReadNoSuchFile {
      throw KVError.notFound(key)
    } catch {
      throw KVError.storage("reading \(url.path) failed: \(error.localizedDescription)")
    }
  }

  func put(key: String, value: Data) async throws {
    let url = directory.appendingPathComponent(try KVKey.fileName(for: key), isDirectory: false)
    do {
      try value.write(to: url, options: .atomic)
    } catch {
      throw KVError.storage("writing \(url.path) failed: \(error.localizedDescription)")
    }
  }
}
