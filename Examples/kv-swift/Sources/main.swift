// kv-swift: go-plugin's KV example plugin, written in Swift with the PluginProtocol library.
//
// Run it under a host (plugin-dev run, or go-plugin's examples/grpc host with
// KV_PLUGIN=path/to/kv-swift). Environment of its own:
//   KV_STORE_DIR        folder for the kv_<key> files (default: the working directory)
//   KV_PLUGIN_NETWORK   unix (default, like Go plugins) or tcp
import Foundation
import Logging
import PluginProtocol

HCLogHandler.bootstrap(level: .debug)
let environment = ProcessInfo.processInfo.environment
let logger = Logger(label: "kv-swift")

let networkName = environment["KV_PLUGIN_NETWORK"] ?? "unix"
guard let network = PluginServer.Network(rawValue: networkName) else {
  logger.error(
    "plugin init error",
    metadata: ["error": "KV_PLUGIN_NETWORK is '\(networkName)'; use 'unix' or 'tcp'"])
  exit(1)
}

let directory = URL(
  fileURLWithPath: environment["KV_STORE_DIR"] ?? FileManager.default.currentDirectoryPath, isDirectory: true)
var isDirectory: ObjCBool = false
guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
  logger.error("plugin init error", metadata: ["error": "KV_STORE_DIR \(directory.path) is not a folder"])
  exit(1)
}

let server = PluginServer(
  configuration: .init(handshake: .kvExample, network: network, name: "kv-swift"), logger: logger)
await server.serveAndExit { _ in
  [KVService(store: FileKVStore(directory: directory))]
}
