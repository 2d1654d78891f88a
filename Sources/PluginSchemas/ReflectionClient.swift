import Foundation
import GRPCCore
import PluginHost
import PluginProtocol
import SwiftProtobuf
import WireTap

/// Fetches a plugin's schemas over gRPC server reflection (`grpc.reflection.v1`, else
/// `v1alpha`): the services it lists, the files that declare them and their imports.
///
/// Each request is its own call on the bidirectional `ServerReflectionInfo` (one message each
/// way), as reflection servers answer request by request. Both versions carry the same
/// messages, so the v1 types serve for both. A hostile or broken server cannot keep the client
/// busy or fill its memory: each request has a timeout, the whole fetch a deadline, and the
/// requests, files and bytes taken are capped; every cap reached and every descriptor dropped is
/// said in a note.
public enum ReflectionClient {
  /// What reflection gave.
  public enum Outcome: Sendable {
    /// The services and the descriptors of their files; `unresolved` lists imports no reply held;
    /// `notes` says what was dropped (and why) or where a limit stopped the fetch.
    case loaded(
      DescriptorRegistry, version: String, services: [String], unresolved: [String], notes: [String])
    /// Neither reflection service is served.
    case unimplemented
    /// A call failed.
    case failed(code: Status.Code, message: String)
  }

  /// How far one fetch may go.
  public struct Limits: Sendable, Equatable {
    /// Each request's timeout.
    public var requestTimeout: Duration = .seconds(5)
    /// The whole fetch's deadline (every request included).
    public var overall: Duration = .seconds(30)
    /// Requests sent at most (services and imports asked for).
    public var requests = 1_000
    /// Files kept at most.
    public var files = 500
    /// Descriptor bytes taken at most (a reply past it is not parsed).
    public var bytes = 32 << 20

    /// The default limits.
    public init() {}
  }

  /// Asks reflection for everything it serves, within `limits`.
  public static func fetch<Transport: ClientTransport>(
    _ client: GRPCClient<Transport>, limits: Limits = Limits()
  ) async -> Outcome {
    let deadline = ContinuousClock.now + limits.overall
    let answer = await ReflectionVersions.askNewestFirst { version in
      let ask = Asker(
        client: client, service: ReflectionVersions.service(version), timeout: limits.requestTimeout,
        deadline: deadline, maxReplyBytes: limits.bytes)
      var request = Grpc_Reflection_V1_ServerReflectionRequest()
      request.listServices = ""
      let list = try await ask(request)
      let services = list.listServicesResponse.service.map(\.name)
      var taken = ReflectionFiles(limits: limits)
      for (index, service) in services.enumerated() {
        if let stop = taken.stopReason(deadline: deadline) {
          taken.notes.append("\(stop): \(services.count - index) of \(services.count) services not asked for")
          break
        }
        var symbol = Grpc_Reflection_V1_ServerReflectionRequest()
        symbol.fileContainingSymbol = service
        taken.requests += 1
        do {
          taken.take(try await ask(symbol), for: "service \(service)")
        } catch let error as RPCError where error.code == .notFound || error.code == .invalidArgument {
          taken.unresolved.append(service)
        } catch let error as RPCError where error.code == .deadlineExceeded || error.code == .resourceExhausted {
          taken.notes.append("no descriptor for service \(service): \(error.message)")
          taken.unresolved.append(service)
        }
      }
      var asked: Set<String> = []
      while let missing = taken.nextMissing(asked: asked) {
        if let stop = taken.stopReason(deadline: deadline) {
          taken.notes.append("\(stop): imports not asked for, starting with \(missing)")
          break
        }
        asked.insert(missing)
        var byName = Grpc_Reflection_V1_ServerReflectionRequest()
        byName.fileByFilename = missing
        taken.requests += 1
        do {
          taken.take(try await ask(byName), for: "import \(missing)")
        } catch let error as RPCError where error.code == .notFound || error.code == .invalidArgument {
        } catch let error as RPCError where error.code == .deadlineExceeded || error.code == .resourceExhausted {
          taken.notes.append("no descriptor for import \(missing): \(error.message)")
        }
        if !taken.has(missing) { taken.unresolved.append(missing) }
      }
      var registry = DescriptorRegistry()
      registry.add(taken.ordered, source: .reflection(version))
      for service in services where registry.services[service] == nil && !taken.unresolved.contains(service) {
        taken.notes.append("service \(service) is listed, but no descriptor taken declares it")
      }
      return Loaded(registry: registry, services: services, unresolved: taken.unresolved, notes: taken.notes)
    }
    switch answer {
    case .answered(let version, let loaded):
      return .loaded(
        loaded.registry, version: version, services: loaded.services, unresolved: loaded.unresolved,
        notes: loaded.notes)
    case .unimplemented: return .unimplemented
    case .failed(let code, let message): return .failed(code: code, message: message)
    }
  }

  /// What one version's fetch took.
  private struct Loaded: Sendable {
    var registry: DescriptorRegistry
    var services: [String]
    var unresolved: [String]
    var notes: [String]
  }

  /// One reflection request and its reply.
  private struct Asker<Transport: ClientTransport> {
    let client: GRPCClient<Transport>
    let service: String
    let timeout: Duration
    /// The whole fetch's deadline: a request never outlasts it.
    let deadline: ContinuousClock.Instant
    /// A larger reply is not parsed (`resourceExhausted`).
    let maxReplyBytes: Int

    func callAsFunction(_ request: Grpc_Reflection_V1_ServerReflectionRequest) async throws
      -> Grpc_Reflection_V1_ServerReflectionResponse
    {
      let left = ContinuousClock.now.duration(to: deadline)
      guard left > .zero else {
        throw RPCError(code: .deadlineExceeded, message: "reflection took longer than its overall deadline")
      }
      let timeout = min(self.timeout, left)
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
      guard reply.count <= maxReplyBytes else {
        throw RPCError(
          code: .resourceExhausted,
          message: "a reply of \(reply.count) bytes is past the \(maxReplyBytes >> 20) MiB reflection takes; not read")
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
