// swift-tools-version: 6.0
import PackageDescription

import class Foundation.ProcessInfo

/// The DocC plugin (`swift package generate-documentation`), only for whoever builds the documentation
/// (PLUGIN_DEV_DOCS=1, docs/library.md), so that a plugin never resolves it.
let docsDependencies: [Package.Dependency] =
  ProcessInfo.processInfo.environment["PLUGIN_DEV_DOCS"] == nil
  ? []
  : [.package(url: "https://github.com/swiftlang/swift-docc-plugin.git", from: "1.5.0")]

/// What a Swift plugin links, as a package of its own: a plugin made by `plugin-dev new … --lang swift`
/// depends on this folder by path, so it resolves and builds only this, not plugin-dev's CLI, host and
/// TUI. plugin-dev (the package in the folder above) depends on it the same way.
let package = Package(
  name: "plugin-protocol",
  platforms: [.macOS(.v15)],
  products: [
    .library(name: "PluginProtocol", targets: ["PluginProtocol"]),
    // Products only because plugin-dev imports them too; a plugin needs none of them.
    .library(name: "AutoMTLS", targets: ["AutoMTLS"]),
    .library(name: "Relay", targets: ["Relay"]),
    .library(name: "Traffic", targets: ["Traffic"]),
  ],
  dependencies: [
    .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
    .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
    .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
    .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
    .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
    .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
    .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
  ] + docsDependencies,
  targets: [
    .target(
      name: "PluginProtocol",
      dependencies: [
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
        .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP2", package: "swift-nio-http2"),
        .product(name: "Logging", package: "swift-log"),
        "AutoMTLS",
        "Relay",
      ]
    ),
    .target(
      name: "AutoMTLS",
      dependencies: [
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "X509", package: "swift-certificates"),
        .product(name: "SwiftASN1", package: "swift-asn1"),
      ]
    ),
    .target(
      name: "Traffic"
    ),
    .target(
      name: "Relay",
      dependencies: [
        "Traffic",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
      ]
    ),
  ]
)
