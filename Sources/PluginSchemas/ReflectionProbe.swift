import Foundation
import GRPCCore
import PluginHost
import PluginProtocol

/// Asks a plugin for its services over gRPC server reflection (docs/protocol.md §5.5), with raw bytes:
/// plugin-dev has no generated reflection stubs, and one request and one reply are all it needs.
///
/// The request is `ServerReflectionRequest{list_services: ""}` (field 7, empty string); the reply's
/// `list_services_response` (field 6) holds `ServiceResponse{name}` entries (field 1 each).
public enum ReflectionProbe {
  /// How the listing went.
  public enum Outcome: Sendable, Equatable {
    /// A reflection service answered `list_services`.
    case listed(service: String, services: [String])
    /// Neither `grpc.reflection.v1` nor `v1alpha` is served.
    case unimplemented
    /// The probe failed otherwise.
    case failed(code: Status.Code, message: String)
  }

  /// `ServerReflectionRequest{list_services: ""}`.
  public static let listServicesRequest: [UInt8] = [0x3A, 0x00]

  /// Asks each reflection version in turn (`ReflectionVersions`) for its service list.
  public static func run<Transport: ClientTransport>(_ client: GRPCClient<Transport>, timeout: Duration = .seconds(3))
    async -> Outcome
  {
    var options = CallOptions.defaults
    options.timeout = timeout
    let answer = await ReflectionVersions.askNewestFirst { version in
      try await RPCDeadline.run(timeout) { [options] in
        try await client.unary(
          request: ClientRequest(message: listServicesRequest),
          descriptor: MethodDescriptor(
            fullyQualifiedService: ReflectionVersions.service(version), method: "ServerReflectionInfo"),
          serializer: RawBytes(), deserializer: RawBytes(), options: options
        ) { response in try response.message }
      }
    }
    switch answer {
    case .answered(let version, let reply):
      return .listed(service: "grpc.reflection.\(version)", services: serviceNames(in: reply) ?? [])
    case .unimplemented: return .unimplemented
    case .failed(let code, let message): return .failed(code: code, message: message)
    }
  }

  /// The service names in a `ServerReflectionResponse`, nil when it holds no `list_services_response`.
  public static func serviceNames(in response: [UInt8]) -> [String]? {
    guard let list = fields(response).first(where: { $0.number == 6 })?.bytes else { return nil }
    return fields(list).filter { $0.number == 1 }.compactMap { entry in
      guard let bytes = entry.bytes, let name = fields(bytes).first(where: { $0.number == 1 })?.bytes else {
        return nil
      }
      return String(decoding: name, as: UTF8.self)
    }
  }

  /// The top-level fields of a protobuf message: number and, for length-delimited ones, the bytes.
  static func fields(_ bytes: [UInt8]) -> [(number: Int, bytes: [UInt8]?)] {
    var out: [(Int, [UInt8]?)] = []
    var index = 0
    func varint() -> UInt64? {
      var value: UInt64 = 0
      var shift: UInt64 = 0
      while index < bytes.count, shift < 64 {
        let byte = bytes[index]
        index += 1
        value |= UInt64(byte & 0x7F) << shift
        if byte & 0x80 == 0 { return value }
        shift += 7
      }
      return nil
    }
    while index < bytes.count {
      guard let key = varint() else { break }
      let number = Int(key >> 3)
      switch key & 7 {
      case 0:
        guard varint() != nil else { return out }
        out.append((number, nil))
      case 1:
        index += 8
        out.append((number, nil))
      case 2:
        guard let length = varint(), length <= UInt64(bytes.count - index) else { return out }
        out.append((number, Array(bytes[index..<index + Int(length)])))
        index += Int(length)
      case 5:
        index += 4
        out.append((number, nil))
      default:
        return out
      }
    }
    return out
  }

  /// Bytes in, bytes out: the message is already encoded.
  package struct RawBytes: MessageSerializer, MessageDeserializer {
    package init() {}

    package func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes {
      Bytes(message)
    }

    package func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
      serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
  }
}
