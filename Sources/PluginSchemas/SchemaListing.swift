import Foundation
import GRPCCore
import PluginHost
import WireTap

/// What `services` prints, and the details of a gRPC error, from the schemas.
public enum SchemaListing {
  /// `services`: a one-line summary, lines (service, then its methods), and the same as JSON;
  /// the services named in `hidden` are left out (known to plugin-dev, not served by the plugin).
  public static func services(_ registry: DescriptorRegistry, hiding hidden: Set<String> = [])
    -> (summary: String, lines: [String], json: JSONValue)
  {
    var lines: [String] = []
    var services: [JSONValue] = []
    let sorted = registry.services.values.filter { !hidden.contains($0.fullName) }.sorted {
      $0.fullName < $1.fullName
    }
    for service in sorted {
      lines.append("\(service.fullName)  (\(service.source))")
      var methods: [JSONValue] = []
      for method in service.methods {
        lines.append("  \(method.name)  \(method.kind)  \(method.inputType) → \(method.outputType)")
        methods.append(
          .object([
            ("name", .string(method.name)), ("path", .string(method.path)), ("kind", .string(method.kind)),
            ("request", .string(method.inputType)), ("response", .string(method.outputType)),
          ]))
      }
      services.append(
        .object([
          ("service", .string(service.fullName)), ("source", .string(service.source.description)),
          ("methods", .array(methods)),
        ]))
    }
    let methodCount = sorted.reduce(0) { $0 + $1.descriptor.method.count }
    return ("\(sorted.count) services, \(methodCount) methods", lines, .array(services))
  }

  /// The `google.rpc.Status` details of an error (`grpc-status-details-bin`), each as JSON.
  public static func errorDetails(_ metadata: Metadata, registry: DescriptorRegistry) -> [JSONValue] {
    var details: [JSONValue] = []
    for value in metadata[binaryValues: "grpc-status-details-bin"] {
      guard let status = registry.json(of: value, type: "google.rpc.Status") else {
        details.append(.string("\(value.count) bytes that are not a google.rpc.Status"))
        continue
      }
      if case .array(let list)? = status["details"] { details += list } else { details.append(status) }
    }
    return details
  }
}
