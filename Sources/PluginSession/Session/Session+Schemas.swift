import Foundation
import PluginHost
import PluginProtocol
import PluginSchemas
import WireTap

extension Session {
  /// Every schema the session knows now: `--proto`, `--protoset`, plugin.json, reflection, then
  /// the built-in ones (the first source wins per symbol).
  public var schemaRegistry: DescriptorRegistry { BuiltInSchemas.completing(schemas.registry) }

  /// Asks reflection once per start of the plugin (on its first SERVING answer, or at the first
  /// schema command if that comes earlier); later callers wait for that answer.
  func ensureReflection() async {
    guard options.schemas.reflection else { return }
    let start = reporter.starts
    if let reflection, reflection.start == start {
      await reflection.task.value
      return
    }
    let task = Task { await self.askReflection() }
    reflection = (start, task)
    await task.value
  }

  /// Built-in services the plugin does not serve: plugin-dev knows proto.KV by itself, and a plugin
  /// whose reflection does not list it, or whose host (--host) calls other services, does not serve it.
  var hiddenServices: Set<String> {
    let listed = reflectedServices ?? options.profile.map { Set($0.services) }
    return listed.map { $0.contains("proto.KV") ? [] : ["proto.KV"] } ?? []
  }

  /// Asks gRPC server reflection for the plugin's schemas and adds them; says what it found, or
  /// that the plugin does not serve reflection.
  func askReflection() async {
    guard options.schemas.reflection, await core.isRunning, let connection = await core.connection else { return }
    switch await ReflectionClient.fetch(connection.client) {
    case .loaded(let registry, let version, let services, let unresolved, let notes):
      reflectedServices = Set(services)
      schemas.merge(registry)
      emit(.schemas(SchemaCatalog(schemaRegistry, hiding: hiddenServices)))
      let listed = services.isEmpty ? "no services" : services.sorted().joined(separator: ", ")
      emit(.notice("reflection (\(version)): \(listed)"))
      if !unresolved.isEmpty {
        emit(.notice("reflection gave no descriptors for: \(unresolved.joined(separator: ", "))"))
      }
      for note in notes { emit(.notice("reflection (\(version)): \(note)")) }
    case .unimplemented:
      emit(
        .notice(
          "the plugin does not serve gRPC reflection (UNIMPLEMENTED); its own messages are described only by"
            + " --proto, --protoset or plugin.json \"protos\""))
    case .failed(let code, let message):
      // Cut short by a stop (cancelled, or the connection closed as the plugin exits): nothing
      // went wrong with the plugin's reflection.
      if await !core.isRunning { return }
      emit(.notice("reflection failed: \(code): \(message)"))
    }
  }
}

extension Session.Reporter {
  /// Called once per start of the plugin, on its first SERVING health answer.
  struct ServingWatch: Sendable {
    var seen = false
    var starts = 0
    var handler: (@Sendable () -> Void)?
  }
}
