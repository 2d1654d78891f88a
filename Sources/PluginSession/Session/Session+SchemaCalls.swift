import Foundation
import GRPCCore
import PluginHost
import PluginProtocol
import PluginSchemas
import WireTap

/// The console's schema commands: `services`, `describe NAME`, `call METHOD JSON`.
extension Session {
  /// Longest a server-streaming `call` may run before it is ended with `deadlineExceeded`.
  public static let streamingCallTimeout: Duration = .seconds(60)

  /// Cancels the `call`s in flight (Esc or Ctrl-C in the TUI console); the session goes on.
  public func cancelCalls() {
    for task in callTasks.values { task.cancel() }
  }

  /// `services` and `describe NAME`: read from the schemas, no call to the plugin.
  func schemaCommand(_ command: ConsoleCommand, text: String, started: Date) -> CallRecord {
    let registry = schemaRegistry
    var record = CallRecord(command: text, method: "", code: .ok, result: "", started: started, ended: started)
    switch command {
    case .services:
      let listing = SchemaListing.services(registry, hiding: hiddenServices)
      record.result = listing.summary
      record.detail = listing.lines
      record.resultJSON = listing.json.text
    case .describe(let name):
      do {
        record.detail = try ProtoSyntax.describe(name, in: registry)
        record.result = record.detail.first.map { $0.hasPrefix("// ") ? String($0.dropFirst(3)) : $0 } ?? name
        record.detail = Array(record.detail.dropFirst())
      } catch {
        record.code = .invalidArgument
        record.result = error.description
      }
    default:
      break
    }
    record.ended = Date()
    return record
  }

  /// `call METHOD JSON`: resolves the method, encodes the request, calls (unary, or
  /// server-streaming with each message reported as it arrives) and decodes the answer.
  func invoke(_ name: String, json: String, text: String, on connection: PluginConnection, started: Date) async
    -> CallRecord
  {
    let registry = schemaRegistry
    func refused(_ message: String, method: String = "") -> CallRecord {
      CallRecord(
        command: text, method: method, code: .invalidArgument, result: message, started: started, ended: Date())
    }
    let method: MethodSchema
    do {
      method = try MethodResolver.resolve(name, in: registry.methods)
    } catch {
      return refused(error.description)
    }
    if method.clientStreaming {
      return refused(
        "\(method.path) is \(method.kind): call supports unary and server-streaming methods only, not"
          + " \(method.kind) ones yet", method: method.path)
    }
    let request: [UInt8]
    do {
      request = try DynamicEncoder(registry: registry).encode(try JSONValue.parse(json), as: method.inputType)
    } catch {
      return refused("the request does not fit \(method.inputType): \(error)", method: method.path)
    }
    let descriptor = MethodDescriptor(fullyQualifiedService: method.service, method: method.name)
    var options = CallOptions.defaults
    options.timeout = method.serverStreaming ? Self.streamingCallTimeout : self.options.callTimeout
    do {
      if !method.serverStreaming {
        let reply = try await RPCDeadline.run(self.options.callTimeout) { [options] in
          try await connection.client.unary(
            request: ClientRequest(message: request), descriptor: descriptor, serializer: ReflectionProbe.RawBytes(),
            deserializer: ReflectionProbe.RawBytes(), options: options
          ) { response in try response.message }
        }
        var record = CallRecord(
          command: text, method: method.path, code: .ok, result: "", started: started, ended: Date())
        Self.describeReply(reply, type: method.outputType, registry: registry, into: &record)
        return record
      }
      let events = self.events
      let count = try await connection.client.serverStreaming(
        request: ClientRequest(message: request), descriptor: descriptor, serializer: ReflectionProbe.RawBytes(),
        deserializer: ReflectionProbe.RawBytes(), options: options
      ) { response in
        var count = 0
        for try await message in response.messages {
          count += 1
          var record = CallRecord(
            command: text, method: method.path, code: .ok, result: "", started: started, ended: Date())
          record.streamIndex = count
          Self.describeReply(message, type: method.outputType, registry: registry, into: &record)
          events.yield(.call(record))
        }
        return count
      }
      return CallRecord(
        command: text, method: method.path, code: .ok, result: "\(count) message\(count == 1 ? "" : "s")",
        started: started, ended: Date())
    } catch let error as RPCError {
      var record = failure(error, command: text, method: method.path, started: started, on: connection)
      let details = SchemaListing.errorDetails(error.metadata, registry: registry)
      record.detail = details.map { "details: \($0.text)" }
      if !details.isEmpty { record.resultJSON = JSONValue.array(details).text }
      return record
    } catch {
      return failure(error, command: text, method: method.path, started: started, on: connection)
    }
  }

  /// A reply's JSON (or its size and a note when it does not decode as `type`).
  static func describeReply(_ bytes: [UInt8], type: String, registry: DescriptorRegistry, into record: inout CallRecord)
  {
    if let json = registry.json(of: bytes, type: type) {
      record.result = json.text
      record.resultJSON = json.text
    } else {
      record.result = "\(bytes.count) bytes that do not decode as \(type)"
    }
  }
}
