import AutoMTLS
import Foundation
import GRPCCore
import PluginProtocol
import SwiftProtobuf
import WireTap

extension Session {
  /// Opens `plugin.GRPCBroker/StartStream` and `plugin.GRPCStdio/StreamStdio` like a Go host (reference §5.7).
  func openGoHostStreams(_ connection: PluginConnection, _ current: Run) {
    let client = connection.client
    let generation = current.generation
    current.tasks.append(Task { [weak self] in
      let broker = Plugin_GRPCBroker.Client(wrapping: client)
      do {
        try await broker.startStream(requestProducer: { _ in
          try await Task.sleep(for: .seconds(86_400 * 365))
        }) { response in
          for try await _ in response.messages {}
        }
      } catch let error as RPCError where error.code == .unimplemented {
        await self?.note(generation, "the plugin has no plugin.GRPCBroker (UNIMPLEMENTED); a Go host ignores this unless the plugin is bidirectional")
      } catch {}
    })
    current.tasks.append(Task { [weak self] in
      let stdio = Plugin_GRPCStdio.Client(wrapping: client)
      do {
        try await stdio.streamStdio(Google_Protobuf_Empty()) { [weak self] response in
          for try await message in response.messages {
            await self?.stdioData(generation, message)
          }
        }
      } catch let error as RPCError where error.code == .unimplemented {
        await self?.note(generation, "the plugin has no plugin.GRPCStdio (UNIMPLEMENTED); a Go host logs 'stdio service not available' or 'received EOF, stopping recv loop'")
      } catch let error as RPCError where !Task.isCancelled {
        await self?.stdioFailed(generation, error)
      } catch {}
    })
  }

  /// The stdio stream ended with an error while the plugin runs (a stop cancels it quietly).
  func stdioFailed(_ generation: Int, _ error: RPCError) {
    guard let current = run, current.generation == generation, !current.stopping else { return }
    let limit = PluginConnection.maxStdioMessageBytes >> 20
    let tooBig = error.code == .resourceExhausted || error.message.contains("maximum payload size")
    emit(.notice(tooBig
      ? "plugin.GRPCStdio sent a message over \(limit) MiB; plugin-dev stopped reading the plugin's stdio (\(error.code): \(error.message))"
      : "plugin.GRPCStdio/StreamStdio ended: \(error.code): \(error.message)"))
  }

  func note(_ generation: Int, _ text: String) {
    guard run?.generation == generation else { return }
    emit(.notice(text))
  }

  func stdioData(_ generation: Int, _ data: Plugin_StdioData) {
    guard let current = run, current.generation == generation else { return }
    let channel = data.channel == .stdout ? "stdout" : data.channel == .stderr ? "stderr" : "invalid"
    // Split like stderr: a line longer than the limit comes in pieces (a 200 MiB message is not one line).
    var splitter = current.stdioSplitters[channel] ?? LineSplitter(maxLineLength: options.maxLineLength)
    for line in splitter.feed(data.data) where !line.text.isEmpty {
      var entry = current.logParser.parse(line.text, isPartOfLongLine: line.continues || line.isContinuation)
      entry.module = "stdio." + channel
      emit(.log(entry))
    }
    current.stdioSplitters[channel] = splitter
  }
}
