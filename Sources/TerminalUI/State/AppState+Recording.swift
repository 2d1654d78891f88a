import Foundation
import PluginHost
import PluginSession
import WireTap

extension AppState {
  /// What the TUI holds, as the events of a plugin-dev log, oldest first: the start, the
  /// handshake (or its failure), the relay, logs, health samples, console calls and the frames
  /// still in the frame log (the console's `export FILE`).
  public func recordingSnapshot() -> [(SessionEvent, Date)] {
    var first: [(SessionEvent, Date)] = []
    if let pid, let startedAt {
      let info = SessionEvent.StartInfo(
        pid: pid, command: command ?? "", environment: environment, removedEnvironment: removedEnvironment,
        workingDirectory: workingDirectory ?? "", startedAt: startedAt, generation: generation,
        inheritedCount: inheritedEnvironmentCount)
      first.append((.started(info), startedAt))
    }
    let start = startedAt ?? frames.first?.time ?? now
    if let handshake {
      first.append(
        (
          .handshake(handshake.line, raw: handshake.raw, warnings: handshake.warnings, seconds: handshake.seconds),
          start.addingTimeInterval(handshake.seconds)
        ))
    }
    if let diagnosis { first.append((.handshakeFailed(diagnosis), start)) }
    if let tap { first.append((.tapReady(local: tap.local, plugin: tap.plugin), start)) }
    let logEvents = logs.map { line -> (SessionEvent, Date) in
      switch line.source {
      case .log(let entry): return (.log(entry), line.time)
      case .strayStdout(let text): return (.strayStdout(text), line.time)
      case .build(let text, let isStderr): return (.buildOutput(text, stream: isStderr ? .stderr : .stdout), line.time)
      case .notice(let text): return (.notice(text), line.time)
      case .host(let text): return (.notice("plugin-dev: " + text), line.time)
      }
    }
    let healthEvents = health.map { (SessionEvent.health($0), $0.time) }
    var callEvents: [(SessionEvent, Date)] = []
    for case .result(let record) in console.output { callEvents.append((.call(record), record.ended)) }
    let frameEvents = frames.map { (SessionEvent.frame($0), $0.time) }
    return Self.merged([first, logEvents, healthEvents, callEvents, frameEvents])
  }

  /// The lists merged by time, each list's own order kept (the earliest head goes first; ties
  /// go to the earlier list).
  static func merged(_ lists: [[(SessionEvent, Date)]]) -> [(SessionEvent, Date)] {
    var heads = Array(repeating: 0, count: lists.count)
    var out: [(SessionEvent, Date)] = []
    out.reserveCapacity(lists.reduce(0) { $0 + $1.count })
    while true {
      var best: Int?
      for index in lists.indices where heads[index] < lists[index].count {
        if let chosen = best, lists[chosen][heads[chosen]].1 <= lists[index][heads[index]].1 { continue }
        best = index
      }
      guard let best else { return out }
      out.append(lists[best][heads[best]])
      heads[best] += 1
    }
  }

  /// Whether the plugin was run with AutoMTLS (the host sent `PLUGIN_CLIENT_CERT`).
  var usedAutoMTLS: Bool { environment["PLUGIN_CLIENT_CERT"] != nil }
}
