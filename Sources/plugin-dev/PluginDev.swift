import ArgumentParser
import KVExample

@main
struct PluginDev: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plugin-dev",
    abstract: "Develop, run and diagnose plugins for HashiCorp go-plugin hosts.",
    discussion: """
      plugin-dev starts a plugin the way a go-plugin host does and shows its handshake, health, \
      stderr and every gRPC frame. `plugin-dev run` with no target runs the built-in Swift KV plugin.
      """,
    version: "0.1.0",
    subcommands: [
      Run.self, Check.self, Env.self, Wrap.self, View.self, New.self, Templates.self, Hosts.self, ExampleKV.self,
    ]
  )
}

/// The built-in KV plugin (Examples/kv-swift), so `plugin-dev run` works with no target.
struct ExampleKV: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "example-kv-plugin",
    abstract: "Serve the built-in Swift KV plugin (started by `plugin-dev run` with no target).",
    shouldDisplay: false
  )

  func run() async throws {
    await KVExamplePlugin.runAndExit(name: "kv-swift")
  }
}
