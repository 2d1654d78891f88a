// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "{{name}}",
  platforms: [.macOS(.v15)],
  dependencies: [
    // plugin-dev's PluginProtocol library (go-plugin's plugin.Serve for Swift), from a local checkout:
    // its own small package in the PluginProtocol folder, not the whole plugin-dev package.
    .package(name: "plugin-protocol", path: "{{pluginDevPath}}/PluginProtocol"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
  ],
  targets: [
    .executableTarget(
      name: "{{name}}",
      dependencies: [
        .product(name: "PluginProtocol", package: "plugin-protocol"),
        .product(name: "Logging", package: "swift-log"),
      ]
    )
  ]
)
