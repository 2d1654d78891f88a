import Foundation
import PluginHost
import SwiftProtobuf
import WireTap

/// The schemas plugin-dev knows without being told: go-plugin's services, the KV example, gRPC
/// reflection and the well-known types (`Generated/BuiltInDescriptors.swift`, written by
/// `Scripts/generate-protos.sh` from `Protos/`).
public enum BuiltInSchemas {
  /// The built-in descriptors, source `built-in`.
  public static let registry: DescriptorRegistry = {
    guard let data = Data(base64Encoded: BuiltInDescriptors.base64),
      let set = try? Google_Protobuf_FileDescriptorSet(serializedBytes: data)
    else { return DescriptorRegistry() }
    return DescriptorRegistry(set, source: .builtIn)
  }()

  /// `registry` after the built-ins: what `services`, `describe` and `call` see.
  public static func completing(_ registry: DescriptorRegistry) -> DescriptorRegistry {
    var all = registry
    all.merge(Self.registry)
    return all
  }
}
