import Foundation
import PluginHost

/// The Health tab: current status, latency sparkline and statistics, status strip, changes.
enum HealthView {
  /// The tab's lines for a content `width`.
  static func document(_ state: AppState, width: Int) -> [StyledLine] {
    var lines: [StyledLine] = []
    guard let latest = state.latestHealth else {
      lines.append(StyledLine("No health checks yet.", Theme.dim))
      lines.append(StyledLine(
        "Once the handshake is accepted, plugin-dev calls grpc.health.v1.Health/Check for service \"plugin\" "
          + "every second, as a go-plugin host does; a go-plugin host treats anything but SERVING as unhealthy.",
        Theme.dim))
      return TextView.wrap(lines, width: width)
    }
    let (icon, _) = Theme.healthBadge(latest.label)
    lines.append(StyledLine("Now      ", Theme.label) + StyledLine("\(icon) \(latest.label)", Theme.health(latest.label))
      + StyledLine("  " + Format.latency(latest.latency) + "  " + Format.clock(latest.time, state.timeZone, milliseconds: false), Theme.dim))
    if case .failed(let code, let message) = latest.outcome {
      lines.append(StyledLine("         \(code): \(message)", Theme.error))
    }
    let samples = Array(state.health)
    let failures = samples.filter { !$0.isServing }.count
    lines.append(StyledLine("Checks   ", Theme.label)
      + StyledLine("\(samples.count + state.health.droppedCount) · \(failures) not serving · \(state.healthChanges.count) changes"))
    let graphWidth = max(1, width - 9)
    let shown = samples.suffix(graphWidth)
    lines.append(StyledLine("Latency  ", Theme.label) + StyledLine(String(Sparkline.bars(shown.map(\.latency), width: graphWidth)), Theme.ok))
    let latencies = shown.map(\.latency)
    if let low = latencies.min(), let high = latencies.max() {
      let average = latencies.reduce(0, +) / Double(latencies.count)
      lines.append(StyledLine("         min \(Format.latency(low)) · avg \(Format.latency(average)) · max \(Format.latency(high))", Theme.dim))
    }
    var strip = StyledLine("Status   ", Theme.label)
    for sample in shown {
      switch sample.label {
      case "SERVING": strip.append("█", Theme.ok)
      case "NOT_SERVING", "UNKNOWN", "SERVICE_UNKNOWN": strip.append("▄", Theme.warning)
      default: strip.append("×", Theme.error)
      }
    }
    lines.append(strip)
    lines.append(StyledLine("         █ ok  ▄ not serving  × failed", Theme.dim))
    lines.append("")
    lines.append(StyledLine("Changes", Theme.heading))
    for sample in state.healthChanges.reversed() {
      var line = StyledLine(Format.clock(sample.time, state.timeZone, milliseconds: false) + "  ", Theme.dim)
      line.append(sample.label, Theme.health(sample.label))
      if case .failed(_, let message) = sample.outcome { line.append("  " + message, Theme.dim) }
      lines.append(line)
    }
    return TextView.wrap(lines, width: width)
  }
}
