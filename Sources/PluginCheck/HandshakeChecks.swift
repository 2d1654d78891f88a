import Foundation
import PluginHost
import PluginProtocol

/// The handshake checks (`handshake.*`) from what the main run saw on stdout (docs/protocol.md §1–§4, §9.3, §12).
///
/// Pure: the caller runs the plugin and a `HandshakeWatcher`; this turns the watcher's decision
/// into one result per check, and says which handshake line (if any) the remaining checks can
/// go on with. A line a Go host refuses only for its version or an unasked-for certificate is
/// still used, so one mistake does not hide the others.
public enum HandshakeChecks {
  /// What the main run saw.
  public struct Observation: Sendable, Equatable {
    /// What the watcher decided first.
    public var decision: Decision
    /// A failure the watcher reported after accepting (the line came only when stdout closed at exit).
    public var lateFailure: HandshakeDiagnosis?
    /// From start to the handshake line (or to the first line).
    public var latency: Duration?
    /// What the host offered.
    public var expectations: HandshakeExpectations
    /// The start timeout in force.
    public var timeout: Duration

    /// The watcher's first decision.
    public enum Decision: Sendable, Equatable {
      /// The line was accepted.
      case accepted(HandshakeLine, raw: String, warnings: [HandshakeWarning])
      /// The handshake failed.
      case failed(HandshakeDiagnosis)
    }

    /// Creates an observation.
    public init(
      decision: Decision, lateFailure: HandshakeDiagnosis? = nil, latency: Duration? = nil,
      expectations: HandshakeExpectations = .init(), timeout: Duration = .seconds(60)
    ) {
      self.decision = decision
      self.lateFailure = lateFailure
      self.latency = latency
      self.expectations = expectations
      self.timeout = timeout
    }
  }

  /// The handshake results and the line the other checks use.
  public struct Verdict: Sendable, Equatable {
    /// One result each for present, no-junk, flushed, fields, version, cert and socket-path.
    public var results: [CheckResult]
    /// The line to connect to, or nil when the plugin cannot be used (the service checks are skipped).
    public var usableLine: HandshakeLine?
    /// Why `usableLine` is nil, for the skipped checks.
    public var unusableReason: String
  }

  /// The checks this type reports, in order.
  public static let ids: [CheckID] = [
    .handshakePresent, .handshakeNoJunk, .handshakeFlushed, .handshakeFields, .handshakeVersion, .handshakeCert,
    .handshakeSocketPath,
  ]

  /// Evaluates an observation.
  public static func evaluate(_ o: Observation) -> Verdict {
    let took = o.latency.map { " in \(milliseconds($0)) ms" } ?? ""
    switch o.decision {
    case .accepted(_, let raw, _):
      var results: [CheckResult] = [
        .pass(.handshakePresent, "\(quoted(raw))\(took)"),
        .pass(.handshakeNoJunk, "the first stdout line was the handshake"),
      ]
      var usable = true
      if case .unflushed(let line, _)? = o.lateFailure, let late = o.lateFailure {
        results.append(unflushedResult(line: line, diagnosis: late))
        usable = false
      } else {
        results.append(.pass(.handshakeFlushed, "the line reached the pipe while the plugin kept running"))
      }
      let line = lineChecks(raw, o.expectations)
      results += line.results
      return Verdict(
        results: results, usableLine: usable ? line.usable : nil,
        unusableReason: usable ? line.reason : "the plugin exited right after its handshake")

    case .failed(let diagnosis):
      switch diagnosis {
      case .textBeforeHandshake(let first, let later):
        let junk = CheckResult.fail(
          .handshakeNoJunk, "stdout line 1 was \(quoted(first)), not the handshake", fix: diagnosis.hint,
          goPlugin: diagnosis.goPluginMessage)
        guard let later else {
          return Verdict(
            results: [
              .fail(
                .handshakePresent, "no handshake line followed \(quoted(first))",
                fix:
                  "Print CORE|APP|NETWORK|ADDR|PROTOCOL (e.g. 1|1|tcp|127.0.0.1:1234|grpc) as the first stdout line.",
                goPlugin: diagnosis.goPluginMessage),
              junk, .skip(.handshakeFlushed, "no handshake line"),
            ]
              + skipped(
                [.handshakeFields, .handshakeVersion, .handshakeCert, .handshakeSocketPath], "no handshake line"),
            usableLine: nil, unusableReason: "no handshake line")
        }
        let line = lineChecks(later.text, o.expectations)
        return Verdict(
          results: [
            .pass(.handshakePresent, "\(quoted(later.text)) on stdout line \(later.number), after other text"), junk,
            .pass(.handshakeFlushed, "the line reached the pipe while the plugin kept running"),
          ] + line.results,
          usableLine: line.usable, unusableReason: line.reason)

      case .timeout(let seconds):
        return Verdict(
          results: [
            .fail(
              .handshakePresent, "nothing on stdout within \(format(seconds)) s, nor after SIGINT/SIGTERM",
              fix: diagnosis.hint, goPlugin: diagnosis.goPluginMessage),
            .skip(.handshakeNoJunk, "nothing on stdout"), .skip(.handshakeFlushed, "no handshake line, even at exit"),
          ]
            + skipped([.handshakeFields, .handshakeVersion, .handshakeCert, .handshakeSocketPath], "no handshake line"),
          usableLine: nil, unusableReason: "no handshake line")

      case .unflushed(let raw, _):
        let line = lineChecks(raw, o.expectations)
        return Verdict(
          results: [
            .skip(.handshakePresent, "the line came only when the plugin was stopped; see handshake.flushed"),
            .pass(.handshakeNoJunk, "the first stdout line was the handshake"),
            unflushedResult(line: raw, diagnosis: diagnosis),
          ] + line.results,
          usableLine: nil, unusableReason: "the handshake was not flushed")

      case .exitedBeforeHandshake(let status, let tail):
        let said = tail.last.map { "; last stderr line: \(quoted(String($0.prefix(200))))" } ?? "; nothing on stderr"
        return Verdict(
          results: [
            .fail(
              .handshakePresent, "the plugin ended (\(status)) before printing a handshake\(said)", fix: diagnosis.hint,
              goPlugin: diagnosis.goPluginMessage),
            .skip(.handshakeNoJunk, "nothing on stdout"), .skip(.handshakeFlushed, "no handshake line"),
          ]
            + skipped([.handshakeFields, .handshakeVersion, .handshakeCert, .handshakeSocketPath], "no handshake line"),
          usableLine: nil, unusableReason: "the plugin exited before its handshake")

      case .invalid(_, let raw):
        let line = lineChecks(raw, o.expectations)
        return Verdict(
          results: [
            .pass(.handshakePresent, "\(quoted(raw))\(took)"),
            .pass(.handshakeNoJunk, "the first stdout line was the handshake"),
            .pass(.handshakeFlushed, "the line reached the pipe while the plugin kept running"),
          ] + line.results,
          usableLine: line.usable, unusableReason: line.reason)

      case .unreachable(let address, _):
        // Not a watcher decision; reported by handshake.reachable. Kept total for completeness.
        return Verdict(
          results: [.pass(.handshakePresent, "a handshake for \(address)")]
            + skipped(ids.filter { $0 != .handshakePresent }, "the address is unreachable"),
          usableLine: nil, unusableReason: "the address is unreachable")
      }
    }
  }

  // MARK: - The line itself

  /// Results for fields, version, cert and socket-path, and the line to go on with.
  static func lineChecks(
    _ raw: String, _ expectations: HandshakeExpectations
  ) -> (results: [CheckResult], usable: HandshakeLine?, reason: String) {
    var text = raw
    var host = expectations
    var errors: [HandshakeError] = []
    var parsed: HandshakeLine?
    var stoppedAt: Int?
    for _ in 0..<4 {
      do {
        parsed = try HandshakeLine.parseAndCheck(text, expecting: host)
        break
      } catch {
        errors.append(error)
        guard let relaxed = relax(text, host, for: error) else {
          stoppedAt = stage(of: error)
          break
        }
        (text, host) = relaxed
      }
    }
    let fields = HandshakeChecks.trim(raw).split(separator: "|", omittingEmptySubsequences: false).map(String.init)
    let network = fields.count > 2 ? fields[2] : ""

    func verdict(_ id: CheckID, stages: [Int], pass: () -> CheckResult) -> CheckResult {
      if let error = errors.first(where: { category(of: $0) == id }) {
        return .fail(id, "\(error.title): \(quoted(raw))", fix: error.hint, goPlugin: error.goPluginMessage)
      }
      if let stop = stoppedAt, stages.contains(where: { $0 > stop }) {
        return .skip(id, "not checked: the line failed an earlier field")
      }
      return pass()
    }

    var results: [CheckResult] = []
    results.append(
      verdict(.handshakeFields, stages: [0, 2, 3, 5]) {
        let line = parsed
        let summary =
          line.map { "core \($0.coreVersion), \($0.network.rawValue) \($0.address), protocol \($0.protocolName)" }
          ?? "core, network, address and protocol are valid"
        let warnings = line?.warnings(rawLine: raw, expecting: expectations) ?? []
        if warnings.isEmpty { return .pass(.handshakeFields, summary) }
        return .warn(.handshakeFields, summary, fix: warnings.map(\.description).joined(separator: " "))
      })
    results.append(
      verdict(.handshakeVersion, stages: [1]) {
        .pass(
          .handshakeVersion, "app \(fields.count > 1 ? fields[1] : "?") (offered \(list(expectations.offeredVersions)))"
        )
      })
    results.append(
      verdict(.handshakeCert, stages: [4]) {
        let cert = fields.count > 5 ? fields[5] : nil
        switch cert {
        case .none: return .pass(.handshakeCert, "no field 6; PLUGIN_CLIENT_CERT was not sent")
        case .some(""): return .pass(.handshakeCert, "field 6 empty, as Go plugins print it without AutoMTLS")
        case .some(let value):
          return .pass(.handshakeCert, "field 6 has \(value.count) characters; Go hosts ignore values up to 50")
        }
      })
    results.append(
      verdict(.handshakeSocketPath, stages: [6]) {
        guard network == "unix" else {
          return .skip(.handshakeSocketPath, "\(network.isEmpty ? "no" : network) network, no socket path")
        }
        guard fields.count > 3, !fields[3].isEmpty else {
          return .skip(.handshakeSocketPath, "no socket path (see handshake.fields)")
        }
        return .pass(.handshakeSocketPath, "\(fields[3].utf8.count) bytes (limit \(HandshakeLine.maxSocketPathLength))")
      })

    let blocking = errors.filter { category(of: $0) != .handshakeVersion && category(of: $0) != .handshakeCert }
    if let parsed, blocking.isEmpty {
      return (results, parsed, "")
    }
    let reason =
      (blocking.first ?? errors.first).map { "the handshake line is unusable (\($0.title))" }
      ?? "no usable handshake line"
    return (results, nil, reason)
  }

  /// The check a handshake error belongs to.
  static func category(of error: HandshakeError) -> CheckID {
    switch error {
    case .appVersionNotInteger, .incompatibleAppVersion: return .handshakeVersion
    case .badServerCertificate, .certificateWithoutAutoMTLS, .missingServerCertificate: return .handshakeCert
    case .socketPathTooLong: return .handshakeSocketPath
    case .unrecognized: return .handshakePresent
    default: return .handshakeFields
    }
  }

  /// Where in go-plugin's order of checks (docs/protocol.md §1.2) an error stops the parse.
  static func stage(of error: HandshakeError) -> Int {
    switch error {
    case .unrecognized: return -1
    case .coreVersionNotInteger, .incompatibleCoreVersion: return 0
    case .appVersionNotInteger, .incompatibleAppVersion: return 1
    case .unknownNetwork, .badTCPAddress: return 2
    case .unsupportedProtocol: return 3
    case .badServerCertificate, .certificateWithoutAutoMTLS, .missingServerCertificate: return 4
    case .multiplexUnsupported, .multiplexNotBoolean, .multiplexDeclined: return 5
    case .emptySocketPath, .socketPathTooLong: return 6
    }
  }

  /// The line (or expectations) changed so the parse gets past `error`; nil when it cannot.
  static func relax(_ raw: String, _ host: HandshakeExpectations, for error: HandshakeError)
    -> (String, HandshakeExpectations)?
  {
    var fields = HandshakeChecks.trim(raw).split(separator: "|", omittingEmptySubsequences: false).map(String.init)
    var host = host
    switch error {
    case .incompatibleAppVersion(let version, _):
      host.offeredVersions.append(version)
    case .appVersionNotInteger:
      guard fields.count > 1 else { return nil }
      fields[1] = String(host.offeredVersions.first ?? 1)
    case .certificateWithoutAutoMTLS, .badServerCertificate:
      guard fields.count > 5 else { return nil }
      fields[5] = ""
      host.clientCertificateSent = false
    case .missingServerCertificate:
      host.clientCertificateSent = false
    default:
      return nil
    }
    return (fields.joined(separator: "|"), host)
  }

  private static func unflushedResult(line: String, diagnosis: HandshakeDiagnosis) -> CheckResult {
    let when: String
    if case .unflushed(_, let atExit) = diagnosis, atExit {
      when = "arrived only when the plugin exited (not flushed, or the plugin ended right after printing it)"
    } else {
      when = "arrived only after plugin-dev sent SIGINT/SIGTERM at the timeout"
    }
    return .fail(.handshakeFlushed, "\(quoted(line)) \(when)", fix: diagnosis.hint, goPlugin: diagnosis.goPluginMessage)
  }

  private static func skipped(_ ids: [CheckID], _ why: String) -> [CheckResult] {
    ids.map { .skip($0, why) }
  }

  /// Surrounding whitespace removed, as go-plugin's `strings.TrimSpace` does.
  static func trim(_ text: String) -> String {
    text.trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// A line in backticks, trimmed, a handshake's certificate shortened (`HandshakeText`).
  static func quoted(_ text: String) -> String {
    "`" + HandshakeText.shortened(text.trimmingCharacters(in: .whitespacesAndNewlines)) + "`"
  }

  /// Whole milliseconds of a duration.
  static func milliseconds(_ d: Duration) -> Int {
    Int((d.seconds * 1000).rounded())
  }

  /// `1`, `5,6`.
  static func list(_ versions: [Int]) -> String {
    versions.map(String.init).joined(separator: ",")
  }

  private static func format(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? String(Int(seconds)) : String(format: "%.1f", seconds)
  }

  /// Why a go-plugin host would stop at this handshake and never connect, naming the check that
  /// says more; nil when it would connect.
  static func hostRefusal(_ decision: HandshakeChecks.Observation.Decision) -> String? {
    guard case .failed(let diagnosis) = decision else { return nil }
    switch diagnosis {
    case .textBeforeHandshake(let first, _):
      return "a go-plugin host stops at stdout line 1 (\(HandshakeChecks.quoted(first))) and never connects; "
        + "see handshake.no-junk"
    case .invalid(let error, _) where !error.isPluginDevCheck:
      return
        "a go-plugin host refuses this handshake and never connects; see \(HandshakeChecks.category(of: error).rawValue)"
    default:
      return nil
    }
  }
}
