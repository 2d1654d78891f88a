// swift-tools-version: 6.0
// Benchmarks for plugin-dev, kept out of the main package so CI stays fast.
// Run: cd Benchmarks && PLUGIN_DEV_BENCHMARKS=1 swift run -c release plugin-dev-bench [MODE…] (--help: the modes);
// each mode's figures go to ../docs/performance-results.md. Test: PLUGIN_DEV_BENCHMARKS=1 swift test.
// PLUGIN_DEV_BENCHMARKS=1 makes plugin-dev export the inner modules this package links (it exports
// none otherwise; PluginProtocol, Relay and AutoMTLS come from PluginProtocol/, the plugin-protocol
// package); without it SwiftPM says "product 'WireTap' required by package
// 'benchmarks' target 'plugin-dev-bench' not found in package 'plugin-dev'".
import PackageDescription

let package = Package(
  name: "plugin-dev-benchmarks",
  platforms: [.macOS(.v15)],
  dependencies: [
    .package(name: "plugin-dev", path: ".."),
    .package(name: "plugin-protocol", path: "../PluginProtocol"),
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
  ],
  targets: [
    // The results file's pure parts (sections, merge), tested without building the benchmark.
    .target(name: "BenchResults"),
    .testTarget(name: "BenchResultsTests", dependencies: ["BenchResults"]),
    .executableTarget(
      name: "plugin-dev-bench",
      dependencies: [
        "BenchResults",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "PluginProtocol", package: "plugin-protocol"),
        .product(name: "WireTap", package: "plugin-dev"),
        .product(name: "Relay", package: "plugin-protocol"),
        .product(name: "PluginHost", package: "plugin-dev"),
        .product(name: "PluginSchemas", package: "plugin-dev"),
        .product(name: "PluginCheck", package: "plugin-dev"),
        .product(name: "PluginSession", package: "plugin-dev"),
        .product(name: "PluginWrap", package: "plugin-dev"),
        .product(name: "TerminalUI", package: "plugin-dev"),
        .product(name: "AutoMTLS", package: "plugin-protocol"),
        .product(name: "KVExample", package: "plugin-dev"),
        .product(name: "Scaffold", package: "plugin-dev"),
      ]
    ),
  ]
)
