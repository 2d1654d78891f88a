// {{name}}: a HashiCorp go-plugin KV plugin written in Swift with plugin-dev's PluginProtocol library.
//
// PluginServer does what go-plugin's plugin.Serve does for a Go plugin: it checks the magic
// cookie (go-plugin's "This binary is a plugin…" message and exit 1 without it), negotiates
// the app protocol version from PLUGIN_PROTOCOL_VERSIONS, listens (a unix socket in a private
// folder, or 127.0.0.1 within PLUGIN_MIN_PORT..PLUGIN_MAX_PORT), serves health ("plugin" =
// SERVING), plugin.GRPCController (Shutdown) and plugin.GRPCStdio next to proto.KV, prints
// the handshake line with one unbuffered write, ignores SIGINT and stops on SIGTERM.
// Logs go to stderr as hclog JSON lines (HCLogHandler); stdout carries only the handshake.
//
// Environment of its own:
//   KV_STORE_DIR        folder for the kv_<key> files (default: the working directory)
//   KV_PLUGIN_NETWORK   unix (default, like Go plugins) or tcp
import Foundation
import Logging
import PluginProtocol

HCLogHandler.bootstrap(level: .debug)
let environment = ProcessInfo.processInfo.environment
let logger = Logger(label: "{{name}}")

/// The host's handshake: go-plugin's examples/grpc uses BASIC_PLUGIN=hello and version 1.
let handshake = HandshakeConfig(
  protocolVersions: [{{protocolVersion}}], magicCookieKey: "{{magicCookieKey}}", magicCookieValue: "{{magicCookieValue}}")

let networkName = environment["KV_PLUGIN_NETWORK"] ?? "unix"
guard let network = PluginServer.Network(rawValue: networkName) else {
  logger.error("plugin init error", metadata: ["error": "KV_PLUGIN_NETWORK is '\(networkName)'; use 'unix' or 'tcp'"])
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
  configuration: .init(handshake: handshake, network: network, name: "{{name}}"), logger: logger)
await server.serveAndExit { _ in
  [KVService(store: {{typeName}}Store(directory: directory))]
}
