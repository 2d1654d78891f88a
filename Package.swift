// swift-tools-version: 6.0
import PackageDescription

import class Foundation.ProcessInfo

/// The modules of the plugin-protocol package (PluginProtocol/, what a Swift plugin links), which this
/// package uses as products of that package.
let pluginProtocol: Target.Dependency = .product(name: "PluginProtocol", package: "plugin-protocol")
let autoMTLS: Target.Dependency = .product(name: "AutoMTLS", package: "plugin-protocol")
let relay: Target.Dependency = .product(name: "Relay", package: "plugin-protocol")
let traffic: Target.Dependency = .product(name: "Traffic", package: "plugin-protocol")

/// What a user links: the tool (a Swift plugin links PluginProtocol/ instead). The benchmarks
/// package (Benchmarks/, a path dependency on this one) also needs the inner modules as products;
/// it gets them by setting PLUGIN_DEV_BENCHMARKS=1 when it builds (Benchmarks/README.md), and
/// nothing else sees them. The tests are targets of this package and need no products.
let benchmarkProducts: [Product] =
  ProcessInfo.processInfo.environment["PLUGIN_DEV_BENCHMARKS"] == nil
  ? []
  : [
    "WireTap", "PluginHost", "PluginSchemas", "PluginCheck", "PluginSession", "PluginWrap",
    "TerminalUI", "KVExample", "Scaffold",
  ].map {
    .library(name: $0, targets: [$0])
  }

let package = Package(
  name: "plugin-dev",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "plugin-dev", targets: ["plugin-dev"]),
    .executable(name: "kv-swift", targets: ["kv-swift"]),
  ] + benchmarkProducts,
  dependencies: [
    .package(name: "plugin-protocol", path: "PluginProtocol"),
    .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
    .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
    .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
    .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
    .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
    .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
    .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
  ],
  targets: [
    .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw"),
    .systemLibrary(name: "CZlib", path: "Sources/CZlib"),
    .target(
      name: "WireTap",
      dependencies: [
        "CZlib",
        traffic,
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHPACK", package: "swift-nio-http2"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ]
    ),
    .target(name: "Capture", dependencies: [traffic]),
    // The host core: process, handshake, HostMachine/HostCore, launch and environment, connection and
    // relay glue (docs/architecture.md). The commands' modules sit on it.
    .target(
      name: "PluginHost",
      dependencies: [
        pluginProtocol,
        traffic,
        autoMTLS,
        "Capture",
        relay,
        "WireTap",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        .product(name: "Subprocess", package: "swift-subprocess"),
        .product(name: "SystemPackage", package: "swift-system"),
      ]
    ),
    // Where a plugin's schemas come from: built in, protoc, protosets, gRPC reflection.
    .target(
      name: "PluginSchemas",
      dependencies: [
        "PluginHost",
        pluginProtocol,
        "WireTap",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ]
    ),
    // `check`: the conformance checks (pure) and the runs that observe the plugin for them.
    .target(
      name: "PluginCheck",
      dependencies: [
        "PluginHost",
        "PluginSchemas",
        pluginProtocol,
        autoMTLS,
        relay,
        "WireTap",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
      ]
    ),
    // `run`, `attach` and `view`: a session's events, its calls, and its recording.
    .target(
      name: "PluginSession",
      dependencies: [
        "PluginHost",
        "PluginSchemas",
        pluginProtocol,
        "Capture",
        "WireTap",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ]
    ),
    // `wrap`: a real host's plugin command, watched through the tap, written as a session recording.
    .target(
      name: "PluginWrap",
      dependencies: [
        "PluginHost",
        "PluginSession",
        pluginProtocol,
        autoMTLS,
        "Capture",
        relay,
        "WireTap",
      ]
    ),
    .target(
      name: "Scaffold",
      dependencies: [
        .product(name: "Mustache", package: "swift-mustache")
      ]
    ),
    .target(
      name: "TerminalUI",
      dependencies: [
        "CNcursesw", "PluginHost", "PluginSchemas", "PluginSession", "WireTap", pluginProtocol,
        .product(name: "GRPCCore", package: "grpc-swift-2"),
      ]
    ),
    .executableTarget(
      name: "plugin-dev",
      dependencies: [
        "KVExample",
        pluginProtocol,
        "Capture",
        "PluginHost",
        "PluginSchemas",
        "PluginCheck",
        "PluginSession",
        "PluginWrap",
        "Scaffold",
        "TerminalUI",
        "WireTap",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .target(
      name: "KVExample",
      dependencies: [
        pluginProtocol,
        .product(name: "Logging", package: "swift-log"),
      ],
      path: "Examples/kv-swift/Sources/KVExample"
    ),
    .executableTarget(
      name: "kv-swift",
      dependencies: ["KVExample"],
      path: "Examples/kv-swift/Sources/kv-swift"
    ),
    .target(
      name: "TestSupport",
      dependencies: [
        pluginProtocol,
        "PluginHost",
      ],
      path: "Tests/TestSupport"
    ),
    .testTarget(
      name: "WireTapTests",
      dependencies: [
        "WireTap",
        "TestSupport",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHPACK", package: "swift-nio-http2"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ]
    ),
    .testTarget(
      name: "CaptureTests",
      dependencies: ["Capture"]
    ),
    .testTarget(
      name: "RelayTests",
      dependencies: [
        relay,
        traffic,
        "TestSupport",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ]
    ),
    .testTarget(
      name: "PluginHostTests",
      dependencies: [
        "PluginHost", "PluginSchemas", "PluginCheck", "PluginSession", "PluginWrap", pluginProtocol, "WireTap",
        "Capture",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ]
    ),
    .testTarget(
      name: "PluginDevTests",
      dependencies: [
        "plugin-dev", "PluginHost", "PluginCheck", "PluginSession", pluginProtocol, "WireTap",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
      ]
    ),
    .testTarget(
      name: "TerminalUITests",
      dependencies: [
        "TerminalUI", "PluginHost", "PluginSchemas", "PluginCheck", "PluginSession", "WireTap", pluginProtocol,
      ]
    ),
    .testTarget(
      name: "ScaffoldTests",
      dependencies: ["Scaffold"]
    ),
    .testTarget(
      name: "AutoMTLSTests",
      dependencies: [
        autoMTLS,
        .product(name: "X509", package: "swift-certificates"),
        .product(name: "SwiftASN1", package: "swift-asn1"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "_CryptoExtras", package: "swift-crypto"),
      ]
    ),
    .testTarget(
      name: "PluginProtocolTests",
      dependencies: [pluginProtocol]
    ),
    .testTarget(
      name: "ArchitectureTests",
      dependencies: []
    ),
    .testTarget(
      name: "EndToEndTests",
      dependencies: [
        pluginProtocol,
        "PluginHost",
        "PluginSchemas",
        "PluginCheck",
        "PluginSession",
        "TestSupport",
        autoMTLS,
        relay,
        "WireTap",
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "Subprocess", package: "swift-subprocess"),
        .product(name: "SystemPackage", package: "swift-system"),
      ]
    ),
  ]
)
