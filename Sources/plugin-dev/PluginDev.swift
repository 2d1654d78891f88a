import ArgumentParser
import PluginProtocol

@main
struct PluginDev: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "plugin-dev",
    abstract: "Develop, run and diagnose plugins for HashiCorp go-plugin hosts.",
    version: "0.1.0"
  )
}
