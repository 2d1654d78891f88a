// swift-tools-version: 6.0
import PackageDescription

import class Foundation.ProcessInfo

/// What a user links: PluginProtocol (to write a plugin in Swift) and the tool. The benchmarks
/// package (Benchmarks/, a path dependency on this one) also needs the inner modules as products;
/// it gets them by setting PLUGIN_DEV_BENCHMARKS=1 when it builds (Benchmarks/README.md), and
/// nothing else sees them. The tests are targets of this package and need no products.
let benchmarkProducts: [Product] =
  ProcessInfo.processInfo.environment["PLUGIN_DEV_BENCHMARKS"] == nil
  ? []
  : [
    "WireTap", "Relay", "AutoMTLS", "PluginHost", "PluginSchemas", "PluginCheck", "PluginSession", "PluginWrap",
    "TerminalUI", "KVExample", "Scaffold",
  ].map {
    .library(name: $0, targets: [$0])
  }

let package = Package(
  name: "plugin-dev",
  platforms: [.macOS(.v15)],
  products: [
    .library(name: "PluginProtocol", targets: ["PluginProtocol"]),
    .executable(name: "plugin-dev", targets: ["plugin-dev"]),
    .executable(name: "kv-swift", targets: ["kv-swift"]),
  ] + benchmarkProducts,
  dependencies: [
    .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
    .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
    .package(url: "https://github.com/grpc/grpc-swift-protobuf.git", from: "2.4.1"),
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
      name: "WireTap",
      dependencies: [
        "CZlib",
        "Traffic",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHPACK", package: "swift-nio-http2"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ]
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
    .target(name: "Capture", dependencies: ["Traffic"]),
    // The host core: process, handshake, HostMachine/HostCore, launch and environment, connection and
    // relay glue (docs/architecture.md). The commands' modules sit on it.
    .target(
      name: "PluginHost",
      dependencies: [
        "PluginProtocol",
        "Traffic",
        "AutoMTLS",
        "Capture",
        "Relay",
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
        "PluginProtocol",
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
        "PluginProtocol",
        "AutoMTLS",
        "Relay",
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
        "PluginProtocol",
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
        "PluginProtocol",
        "AutoMTLS",
        "Capture",
        "Relay",
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
        "CNcursesw", "PluginHost", "PluginSchemas", "PluginSession", "WireTap", "PluginProtocol",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
      ]
    ),
    .executableTarget(
      name: "plugin-dev",
      dependencies: [
        "KVExample",
        "PluginProtocol",
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
        "PluginProtocol",
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
        "PluginProtocol",
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
        "Relay",
        "Traffic",
        "TestSupport",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ]
    ),
    .testTarget(
      name: "PluginHostTests",
      dependencies: [
        "PluginHost", "PluginSchemas", "PluginCheck", "PluginSession", "PluginWrap", "PluginProtocol", "WireTap",
        "Capture",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ]
    ),
    .testTarget(
      name: "PluginDevTests",
      dependencies: [
        "plugin-dev", "PluginHost", "PluginCheck", "PluginSession", "PluginProtocol", "WireTap",
        .product(name: "GRPCCore", package: "grpc-swift-2"),
      ]
    ),
    .testTarget(
      name: "TerminalUITests",
      dependencies: [
        "TerminalUI", "PluginHost", "PluginSchemas", "PluginCheck", "PluginSession", "WireTap", "PluginProtocol",
      ]
    ),
    .testTarget(
      name: "ScaffoldTests",
      dependencies: ["Scaffold"]
    ),
    .testTarget(
      name: "AutoMTLSTests",
      dependencies: [
        "AutoMTLS",
        .product(name: "X509", package: "swift-certificates"),
        .product(name: "SwiftASN1", package: "swift-asn1"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "_CryptoExtras", package: "swift-crypto"),
      ]
    ),
    .testTarget(
      name: "PluginProtocolTests",
      dependencies: ["PluginProtocol"]
    ),
    .testTarget(
      name: "ArchitectureTests",
      dependencies: []
    ),
    .testTarget(
      name: "EndToEndTests",
      dependencies: [
        "PluginProtocol",
        "PluginHost",
        "PluginSchemas",
        "PluginCheck",
        "PluginSession",
        "TestSupport",
        "AutoMTLS",
        "Relay",
        "WireTap",
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "GRPCCore", package: "grpc-swift-2"),
        .product(name: "Subprocess", package: "swift-subprocess"),
        .product(name: "SystemPackage", package: "swift-system"),
      ]
    ),
  ]
)
