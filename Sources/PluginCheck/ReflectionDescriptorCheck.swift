import PluginHost
import PluginSchemas
import WireTap

/// `reflection.descriptors`: what reflection serves must be complete: for every service it
/// lists, the file declaring it, the files that file imports, and every message and enum its
/// methods use (docs/protocol.md §5.5). A gap breaks grpcurl, Evans and plugin-dev's own `call`.
public enum ReflectionDescriptorCheck {
  /// The verdict on what `ReflectionClient.fetch` got.
  public static func evaluate(_ outcome: ReflectionClient.Outcome) -> CheckResult {
    switch outcome {
    case .unimplemented:
      return .skip(.reflectionDescriptors, "the plugin serves no reflection")
    case .failed(let code, let message):
      return .warn(
        .reflectionDescriptors, "reflection failed while its descriptors were fetched: \(code) \(message)",
        fix: "Serve every file your services need through reflection (Go: reflection.Register(server); Python: "
          + "reflection.enable_server_reflection with the services' full names).")
    case .loaded(let registry, let version, let services, let unresolved, let notes):
      var problems: [String] = notes
      if !unresolved.isEmpty { problems.append("not served: " + unresolved.joined(separator: ", ")) }
      for service in services.sorted() where !unresolved.contains(service) {
        let missing = registry.missingTypes(ofService: service)
        if !missing.isEmpty { problems.append("\(service) needs " + missing.joined(separator: ", ")) }
      }
      guard problems.isEmpty else {
        return .warn(
          .reflectionDescriptors, "reflection (\(version)) is incomplete: " + problems.joined(separator: "; "),
          fix: "Register the descriptors of every file your services import (generated code imported by the plugin "
            + "adds them to the default pool); tools that read reflection cannot call these methods.")
      }
      return .pass(
        .reflectionDescriptors,
        "reflection (\(version)): \(services.count) services resolve from \(registry.fileDescriptors.count) files")
    }
  }
}
