// kv-swift: go-plugin's KV example plugin, written in Swift with the PluginProtocol library.
//
// The whole plugin is Examples/kv-swift/Sources/KVExample/KVExamplePlugin.swift (a library, so
// plugin-dev can embed the same plugin); it composes PluginServer, KVService and FileKVStore:
//
//   HCLogHandler.bootstrap()
//   let server = PluginServer(configuration: .init(handshake: .kvExample, network: .unix, name: "kv-swift"))
//   await server.serveAndExit { _ in [KVService(store: FileKVStore(directory: folder))] }
//
// Run it under a host: `plugin-dev run Examples/kv-swift`, or go-plugin's examples/grpc host
// with KV_PLUGIN=path/to/kv-swift. Environment: KV_STORE_DIR, KV_PLUGIN_NETWORK (unix|tcp).
import KVExample

await KVExamplePlugin.runAndExit()
