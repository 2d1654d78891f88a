import Foundation
import Logging
import PluginProtocol

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// go-plugin's KV example plugin, written with the PluginProtocol library: the code behind the
/// `kv-swift` executable and the plugin `plugin-dev run` starts when given no target.
///
/// Environment of its own: `KV_STORE_DIR` (folder for the `kv_<key>` files, default the working
/// directory) and `KV_PLUGIN_NETWORK` (`unix`, the default like Go plugins, or `tcp`).
public enum KVExamplePlugin {
  /// Serves the KV example until the host stops it, then exits the process.
  public static func runAndExit(
    name: String = "kv-swift", environment: [String: String] = ProcessInfo.processInfo.environment
  ) async -> Never {
    HCLogHandler.bootstrap(level: .debug)
    let logger = Logger(label: name)

    let networkName = environment["KV_PLUGIN_NETWORK"] ?? "unix"
    guard let network = PluginServer.Network(rawValue: networkName) else {
      logger.error(
        "plugin init error", metadata: ["error": "KV_PLUGIN_NETWORK is '\(networkName)'; use 'unix' or 'tcp'"])
      exit(1)
    }
    let directory = URL(
      fileURLWithPath: environment["KV_STORE_DIR"] ?? FileManager.default.currentDirectoryPath, isDirectory: true)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue
    else {
      logger.error("plugin init error", metadata: ["error": "KV_STORE_DIR \(directory.path) is not a folder"])
      exit(1)
    }

    let server = PluginServer(
      configuration: .init(handshake: .kvExample, network: network, name: name), environment: environment,
      logger: logger)
    await server.serveAndExit { _ in
      [KVService(store: FileKVStore(directory: directory))]
    }
  }
}
