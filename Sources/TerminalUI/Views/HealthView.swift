import Foundation
import PluginHost

/// The Health tab: current status, latency sparkline and statistics, status strip, changes.
enum HealthView {
  /// The tab's lines for a content `width`.
  static func document(_ state: AppState, width: Int) -> [StyledLine] {
    var lines: [StyledLine] = []
    guard let latest = state.latestHealth else {
      lines.append(StyledLine("No health checks yet.", Theme.dim))
      lines.append(
        StyledLine(
          "Once the handshake is accepted, plugin-dev calls grpc.health.v1.Health/Check for service \"plugin\" "
            + "every second, as a go-plugin host does; a go-plugin host treats anything but SERVING as unhealthy.",
          Theme.dim))
      return TextView.wrap(lines, width: width)
    }
    let (icon, _) = Theme.healthBadge(latest.displayLabel)
    lines.append(
      StyledLine("Now      ", Theme.label)
        + StyledLine("\(icon) \(latest.displayLabel)", Theme.health(latest.displayLabel))
        + StyledLine(
          "  " + Format.latency(latest.latency) + "  " + Format.clock(latest.time, state.timeZone, milliseconds: false),
          Theme.dim))
    if latest.hasNoHealthService {
      lines.append(
        StyledLine(
          "         Health/Check(\"plugin\") → UNIMPLEMENTED: the plugin has no grpc.health.v1.Health", Theme.warning))
      lines.append(
        StyledLine("         fix: ", Theme.ok) + StyledLine(HealthSample.missingServiceFix, Theme.fix))
    } else if case .failed(let code, let message) = latest.outcome {
      lines.append(StyledLine("         \(code): \(message)", Theme.error))
    }
    let samples = Array(state.health)
    let missing = samples.filter(\.hasNoHealthService).count
    let failures = samples.filter { !$0.isServing && !$0.hasNoHealthService }.count
    var counts = "\(samples.count + state.health.droppedCount) · \(failures) not serving"
    if missing > 0 { counts += " · \(missing) no health service" }
    lines.append(StyledLine("Checks   ", Theme.label) + StyledLine(counts + " · \(state.healthChanges.count) changes"))
    let graphWidth = max(1, width - 9)
    let shown = samples.suffix(graphWidth)
    lines.append(
      StyledLine("Latency  ", Theme.label)
        + StyledLine(String(Sparkline.bars(shown.map(\.latency), width: graphWidth)), Theme.ok))
    let latencies = shown.map(\.latency)
    if let low = latencies.min(), let high = latencies.max() {
      let average = latencies.reduce(0, +) / Double(latencies.count)
      lines.append(
        StyledLine(
          "         min \(Format.latency(low)) · avg \(Format.latency(average)) · max \(Format.latency(high))",
          Theme.dim))
    }
    var strip = StyledLine("Status   ", Theme.label)
    for sample in shown {
      switch sample.displayLabel {
      case "SERVING": strip.append("█", Theme.ok)
      case "NOT_SERVING", "UNKNOWN", "SERVICE_UNKNOWN": strip.append("▄", Theme.warning)
      case HealthSample.noHealthServiceLabel: strip.append("○", Theme.warning)
      default: strip.append("×", Theme.error)
      }
    }
    lines.append(strip)
    lines.append(
      StyledLine("         █ ok  ▄ not serving  × failed" + (missing > 0 ? "  ○ no health service" : ""), Theme.dim))
    lines.append("")
    lines.append(StyledLine("Changes", Theme.heading))
    for sample in state.healthChanges.reversed() {
      var line = StyledLine(Format.clock(sample.time, state.timeZone, milliseconds: false) + "  ", Theme.dim)
      line.append(sample.displayLabel, Theme.health(sample.displayLabel))
      if case .failed(_, let message) = sample.outcome, !sample.hasNoHealthService {
        line.append("  " + message, Theme.dim)
      }
      lines.append(line)
    }
    return TextView.wrap(lines, width: width)
  }
}
