import PluginProtocol
import SwiftProtobuf
import WireTap

extension MessageRegistry {
  /// The messages of every service a go-plugin KV plugin serves (docs/protocol.md §5, §11).
  public static var goPlugin: MessageRegistry {
    var registry = MessageRegistry()
    registry.register(path: "/proto.KV/Get", request: Proto_GetRequest.self, response: Proto_GetResponse.self)
    registry.register(path: "/proto.KV/Put", request: Proto_PutRequest.self, response: Proto_Empty.self)
    registry.register(
      path: "/grpc.health.v1.Health/Check", request: Grpc_Health_V1_HealthCheckRequest.self,
      response: Grpc_Health_V1_HealthCheckResponse.self)
    registry.register(
      path: "/grpc.health.v1.Health/Watch", request: Grpc_Health_V1_HealthCheckRequest.self,
      response: Grpc_Health_V1_HealthCheckResponse.self)
    registry.register(
      path: "/grpc.health.v1.Health/List", request: Grpc_Health_V1_HealthListRequest.self,
      response: Grpc_Health_V1_HealthListResponse.self)
    registry.register(path: "/plugin.GRPCController/Shutdown", request: Plugin_Empty.self, response: Plugin_Empty.self)
    registry.register(
      path: "/plugin.GRPCStdio/StreamStdio", request: Google_Protobuf_Empty.self, response: Plugin_StdioData.self)
    registry.register(
      path: "/plugin.GRPCBroker/StartStream", request: Plugin_ConnInfo.self, response: Plugin_ConnInfo.self)
    for version in ["v1", "v1alpha"] {
      registry.register(
        path: "/grpc.reflection.\(version).ServerReflection/ServerReflectionInfo",
        request: Grpc_Reflection_V1_ServerReflectionRequest.self,
        response: Grpc_Reflection_V1_ServerReflectionResponse.self)
    }
    return registry
  }
}
