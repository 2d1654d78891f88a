import Foundation
import PluginHost
import PluginProtocol

/// The Handshake tab: the diagnosis first when something is wrong (go-plugin's message and the
/// fix), each field of the accepted line with its meaning, the environment that was sent.
enum HandshakeView {
  /// The tab's lines, wrapped to `width`.
  static func document(_ state: AppState, width: Int) -> [StyledLine] {
    var lines: [StyledLine] = []
    if let viewing = state.viewing {
      let header = viewing.header
      lines.append(StyledLine("Log (read-only)", Theme.heading))
      lines.append(StyledLine("file    ", Theme.label) + StyledLine(viewing.path + "  · " + viewing.progressLabel))
      lines.append(StyledLine("writer  ", Theme.label) + StyledLine("\(header.writer), pid \(header.pid)", Theme.dim))
      if let hostPid = header.hostPid {
        lines.append(
          StyledLine("host    ", Theme.label)
            + StyledLine("pid \(hostPid)" + (header.hostCommand.map { ": " + $0 } ?? "")))
      }
      lines.append(StyledLine("plugin  ", Theme.label) + StyledLine(header.command.joined(separator: " ")))
      lines.append("")
    }
    if let diagnosis = state.diagnosis {
      lines.append(StyledLine("✗ HANDSHAKE FAILED: " + diagnosis.title, Theme.error))
      lines.append(StyledLine("fix: ", Theme.ok) + StyledLine(diagnosis.hint, Theme.fix))
      if let message = diagnosis.goPluginMessage {
        lines.append(StyledLine("a go-plugin host reports:", Theme.label))
        for part in message.split(separator: "\n", omittingEmptySubsequences: false) where !part.isEmpty {
          lines.append(StyledLine("  " + part.trimmingCharacters(in: .whitespaces), Theme.goPlugin))
        }
      }
      lines.append("")
    }
    switch state.phase {
    case .idle where state.viewing != nil:
      break
    case .idle:
      lines.append(StyledLine("Starting the plugin…", Theme.dim))
    case .building:
      lines.append(StyledLine("Running the build step (its output is in Logs)…", Theme.dim))
    case .handshaking where state.handshake == nil:
      lines.append(StyledLine("Waiting for the handshake line on the plugin's stdout…", Theme.dim))
    case .buildFailed(let status):
      lines.append(StyledLine("The build step failed (\(status)); its output is in Logs.", Theme.error))
    default:
      break
    }
    if let handshake = state.handshake {
      lines.append(StyledLine("Handshake line", Theme.heading))
      lines.append(
        StyledLine(
          Self.abbreviatingCertificate(handshake.raw.trimmingCharacters(in: .whitespacesAndNewlines)), Theme.label)
          + StyledLine(
            state.startedAt == nil
              ? "  (attached: not started by plugin-dev)"
              : String(format: "  (%.0f ms after start)", handshake.seconds * 1000), Theme.dim))
      lines += fields(handshake.line, offered: state.environment[PluginEnvironment.Key.protocolVersions], width: width)
      for warning in handshake.warnings {
        lines.append(StyledLine("⚠ ", Theme.warning) + StyledLine(warning.description, Theme.warning))
      }
      if let tap = state.tap {
        let tls = handshake.line.carriesCertificate ? "  (mutual TLS to the plugin)" : ""
        lines.append(StyledLine("relay  ", Theme.label) + StyledLine("\(tap.local) → \(tap.plugin)\(tls)", Theme.dim))
      }
      lines.append("")
    }
    if let reattach = state.reattach {
      lines.append(StyledLine("Serving a real host (--serve)", Theme.heading))
      lines.append(StyledLine("reattach ", Theme.label) + StyledLine(reattach.goPluginJSON))
      if let line = reattach.hostLine { lines.append(StyledLine("         ") + StyledLine(line)) }
      lines.append(StyledLine("tls      ", Theme.label) + StyledLine(reattach.tlsStatement, Theme.dim))
      lines.append("")
    }
    if let host = state.hostProfile {
      lines.append(StyledLine("Host profile ", Theme.label) + StyledLine("\(host) (--host \(host))"))
    }
    if !state.environment.isEmpty {
      lines.append(StyledLine("Environment sent", Theme.heading))
      for key in state.environment.keys.sorted() {
        lines.append(
          StyledLine(key, Theme.label) + StyledLine("=" + PluginEnvironment.displayValue(state.environment[key] ?? "")))
      }
      if !state.removedEnvironment.isEmpty {
        lines.append(StyledLine("unset ", Theme.label) + StyledLine(state.removedEnvironment.joined(separator: " ")))
      }
      if state.inheritedEnvironmentCount > 0 {
        lines.append(
          StyledLine(
            state.viewing?.header.writer == "wrap"
              ? "+ \(state.inheritedEnvironmentCount) more from the host's environment"
              : "+ \(state.inheritedEnvironmentCount) inherited from plugin-dev (--unset NAME)", Theme.dim))
      }
      lines.append("")
    }
    if let command = state.command {
      lines.append(StyledLine("Command", Theme.heading))
      lines.append(StyledLine(command))
      if let directory = state.workingDirectory {
        lines.append(StyledLine("in ", Theme.dim) + StyledLine(directory, Theme.dim))
      }
    }
    return TextView.wrap(lines, width: width)
  }

  /// The fields of the line, each with what it means; meaning on the same line when it fits.
  static func fields(_ line: HandshakeLine, offered: String?, width: Int) -> [StyledLine] {
    let certificate: String
    switch line.serverCertificate {
    case .none: certificate = "—"
    case .some(""): certificate = "(empty)"
    case .some(let text) where text.utf8.count > HandshakeLine.certificateFieldThreshold:
      certificate = HandshakeText.describe(text)
    case .some(let text): certificate = "\(text.count) base64 chars"
    }
    let rows: [(String, String, String)] = [
      ("core", "\(line.coreVersion)", "core protocol; must be 1"),
      ("app", "\(line.appVersion)", "API version" + (offered.map { " (offered \($0))" } ?? "")),
      ("network", line.network.rawValue, "tcp or unix"),
      ("address", line.address, "where the gRPC server listens"),
      ("protocol", line.protocolName, "grpc or netrpc (net/rpc)"),
      ("cert", certificate, "AutoMTLS server certificate"),
      ("multiplex", line.multiplex ?? "—", "PLUGIN_MULTIPLEX_GRPC reply"),
    ]
    var lines: [StyledLine] = []
    for (index, (name, value, meaning)) in rows.enumerated() {
      let label = StyledLine(Format.left("\(index + 1) \(name)", 12), Theme.label)
      let aligned = label + StyledLine(Format.left(value, 7)) + StyledLine("  " + meaning, Theme.dim)
      if value.count <= 7, aligned.count <= width {
        lines.append(aligned)
      } else {
        lines.append(label + StyledLine(value))
        let indent = width >= 50 ? 21 : 2
        lines.append(StyledLine(String(repeating: " ", count: indent) + meaning, Theme.dim))
      }
    }
    return lines
  }

  /// The line with a long field 6 (an AutoMTLS certificate) cut to its start and length; the
  /// fields below say what it is.
  static func abbreviatingCertificate(_ line: String) -> String {
    var fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
    guard fields.count >= 6, fields[5].count > HandshakeLine.certificateFieldThreshold else { return line }
    fields[5] = String(fields[5].prefix(12)) + "…(\(fields[5].count) chars)"
    return fields.joined(separator: "|")
  }
}
