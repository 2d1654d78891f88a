import Foundation
import PluginProtocol

/// A plugin that is already running (started by hand, under a debugger), for `run --attach`:
/// the handshake line it printed, or `tcp:HOST:PORT` / `unix:PATH`. plugin-dev connects to it
/// like a host that reattaches (go-plugin's `ReattachConfig`) and never controls its process.
public struct AttachTarget: Sendable, Equatable {
  /// The line to connect with (made from the address for `tcp:`/`unix:`, app version 1, `grpc`).
  public var line: HandshakeLine
  /// What was given on the command line.
  public var given: String
  /// Where `plugin-dev env --auto-mtls` wrote the host's key and certificate (for a line with
  /// a certificate in field 6).
  public var mtlsDirectory: String?

  /// Why the argument of `--attach` is unusable.
  public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong and what to give instead.
    public let description: String
  }

  /// Parses `text`: `tcp:HOST:PORT`, `unix:PATH`, or a handshake line, which must be one a
  /// go-plugin host accepts (offered its own app version, AutoMTLS when it carries a certificate).
  public static func parse(_ text: String, mtlsDirectory: String? = nil) throws(Failure) -> AttachTarget {
    let trimmed = HandshakeLine.goTrimSpace(text)
    if trimmed.hasPrefix("unix:") {
      let path = String(trimmed.dropFirst(5))
      guard !path.isEmpty else { throw Failure(description: "--attach unix:PATH needs the socket's path") }
      return AttachTarget(
        line: HandshakeLine(appVersion: 1, network: .unix, address: path), given: text, mtlsDirectory: mtlsDirectory)
    }
    if trimmed.hasPrefix("tcp:") {
      let address = String(trimmed.dropFirst(4))
      guard TCPAddress(address) != nil else {
        throw Failure(description: "--attach tcp:HOST:PORT: '\(address)' is not host:port (e.g. tcp:127.0.0.1:1234)")
      }
      return AttachTarget(
        line: HandshakeLine(appVersion: 1, network: .tcp, address: address), given: text, mtlsDirectory: mtlsDirectory)
    }
    let fields = trimmed.split(separator: "|", omittingEmptySubsequences: false)
    let version = fields.count > 1 ? Int(fields[1]) ?? 1 : 1
    let carriesCertificate = fields.count > 5 && fields[5].utf8.count > HandshakeLine.certificateFieldThreshold
    let expectations = HandshakeExpectations(offeredVersions: [version], clientCertificateSent: carriesCertificate)
    let line: HandshakeLine
    do {
      line = try HandshakeLine.parseAndCheck(trimmed, expecting: expectations)
    } catch {
      throw Failure(
        description: "--attach '\(text)': not a handshake line a go-plugin host accepts: \(error.description) "
          + "(give the plugin's handshake line, tcp:HOST:PORT or unix:PATH)")
    }
    if line.carriesCertificate, mtlsDirectory == nil {
      throw Failure(
        description: "--attach: the line carries the plugin's AutoMTLS certificate; give --mtls-dir with the key and "
          + "certificate `plugin-dev env --auto-mtls` wrote (the plugin only talks to that host certificate)")
    }
    return AttachTarget(line: line, given: text, mtlsDirectory: mtlsDirectory)
  }

  /// The target `Session` and `PluginChecker` are given: nothing to build or start.
  public var pluginTarget: PluginTarget {
    PluginTarget(
      name: "attached \(line.network.rawValue) \(line.address)", command: .arguments([]),
      folder: URL(fileURLWithPath: "/"),
      handshake: HandshakeConfig(
        protocolVersions: [line.appVersion], magicCookieKey: HandshakeConfig.kvExample.magicCookieKey,
        magicCookieValue: HandshakeConfig.kvExample.magicCookieValue))
  }
}
