import Foundation
import GRPCCore
import PluginProtocol
import SwiftProtobuf
import WireTap

/// Fetches a plugin's schemas over gRPC server reflection (`grpc.reflection.v1`, else
/// `v1alpha`): the services it lists, the files that declare them and their imports.
///
/// Each request is its own call on the bidirectional `ServerReflectionInfo` (one message each
/// way), as reflection servers answer request by request. Both versions carry the same
/// messages, so the v1 types serve for both.
public enum ReflectionClient {
  /// What reflection gave.
  public enum Outcome: Sendable {
    /// The services and the descriptors of their files; `unresolved` lists imports no reply held.
    case loaded(DescriptorRegistry, version: String, services: [String], unresolved: [String])
    /// Neither reflection service is served.
    case unimplemented
    /// A call failed.
    case failed(code: Status.Code, message: String)
  }

  /// The reflection versions tried, newest first.
  public static let versions = ["v1", "v1alpha"]
  /// At most this many files are asked for (a hostile server cannot keep the client busy).
  static let maxFiles = 500

  /// Asks reflection for everything it serves; each call is bounded by `timeout`.
  public static func fetch<Transport: ClientTransport>(
    _ client: GRPCClient<Transport>, timeout: Duration = .seconds(5)
  ) async -> Outcome {
    for version in versions {
      let ask = Asker(client: client, service: "grpc.reflection.\(version).ServerReflection", timeout: timeout)
      do {
        var request = Grpc_Reflection_V1_ServerReflectionRequest()
        request.listServices = ""
        let list = try await ask(request)
        let services = list.listServicesResponse.service.map(\.name)
        var files: [String: Google_Protobuf_FileDescriptorProto] = [:]
        var order: [String] = []
        func take(_ response: Grpc_Reflection_V1_ServerReflectionResponse) {
          for bytes in response.fileDescriptorResponse.fileDescriptorProto {
            guard let file = try? Google_Protobuf_FileDescriptorProto(serializedBytes: bytes),
              files[file.name] == nil
            else { continue }
            files[file.name] = file
            order.append(file.name)
          }
        }
        var unresolved: [String] = []
        for service in services where files.count < maxFiles {
          var symbol = Grpc_Reflection_V1_ServerReflectionRequest()
          symbol.fileContainingSymbol = service
          do {
            take(try await ask(symbol))
          } catch let error as RPCError where error.code == .notFound || error.code == .invalidArgument {
            unresolved.append(service)
          }
        }
        var asked: Set<String> = []
        while files.count < maxFiles,
          let missing = files.values.flatMap(\.dependency).sorted().first(where: {
            files[$0] == nil && !asked.contains($0)
          })
        {
          asked.insert(missing)
          var byName = Grpc_Reflection_V1_ServerReflectionRequest()
          byName.fileByFilename = missing
          do {
            take(try await ask(byName))
          } catch let error as RPCError where error.code == .notFound || error.code == .invalidArgument {}
          if files[missing] == nil { unresolved.append(missing) }
        }
        var registry = DescriptorRegistry()
        registry.add(order.compactMap { files[$0] }, source: .reflection(version))
        return .loaded(registry, version: version, services: services, unresolved: unresolved)
      } catch let error as RPCError where error.code == .unimplemented {
        continue
      } catch let error as RPCError {
        return .failed(code: Status.Code(error.code), message: error.message)
      } catch {
        return .failed(code: .unknown, message: "\(error)")
      }
    }
    return .unimplemented
  }

  /// One reflection request and its reply.
  private struct Asker<Transport: ClientTransport> {
    let client: GRPCClient<Transport>
    let service: String
    let timeout: Duration

    func callAsFunction(_ request: Grpc_Reflection_V1_ServerReflectionRequest) async throws
      -> Grpc_Reflection_V1_ServerReflectionResponse
    {
      var options = CallOptions.defaults
      options.timeout = timeout
      let bytes: [UInt8] = try request.serializedBytes()
      let reply = try await RPCDeadline.run(timeout) { [options, client, service] in
        try await client.unary(
          request: ClientRequest(message: bytes),
          descriptor: MethodDescriptor(fullyQualifiedService: service, method: "ServerReflectionInfo"),
          serializer: ReflectionProbe.RawBytes(), deserializer: ReflectionProbe.RawBytes(), options: options
        ) { response in try response.message }
      }
      let response = try Grpc_Reflection_V1_ServerReflectionResponse(serializedBytes: reply)
      if case .errorResponse(let error) = response.messageResponse {
        throw RPCError(
          code: RPCError.Code(Status.Code(rawValue: Int(error.errorCode)) ?? .unknown) ?? .unknown,
          message: "reflection: \(error.errorMessage)")
      }
      return response
    }
  }
}
