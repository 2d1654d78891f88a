// swift-tools-version: 6.0
// Benchmarks for plugin-dev, kept out of the main package so CI stays fast.
// Run: cd Benchmarks && swift run -c release plugin-dev-bench [decoder|relay|automtls|wrap|all]
import PackageDescription

let package = Package(
  name: "plugin-dev-benchmarks",
  platforms: [.macOS(.v15)],
  dependencies: [
    .package(name: "plugin-dev", path: "..")
  ],
  targets: [
    .executableTarget(
      name: "plugin-dev-bench",
      dependencies: [
        .product(name: "PluginProtocol", package: "plugin-dev"),
        .product(name: "WireTap", package: "plugin-dev"),
        .product(name: "Relay", package: "plugin-dev"),
        .product(name: "PluginHost", package: "plugin-dev"),
        .product(name: "TerminalUI", package: "plugin-dev"),
        .product(name: "AutoMTLS", package: "plugin-dev"),
        .product(name: "KVExample", package: "plugin-dev"),
        .product(name: "Scaffold", package: "plugin-dev"),
      ]
    )
  ]
)
