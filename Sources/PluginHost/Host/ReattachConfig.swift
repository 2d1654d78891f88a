import Foundation
import Relay

/// `run --serve`: how a real host reaches the running plugin through plugin-dev's relay, as
/// go-plugin's `ReattachConfig` and, for a host profile with a reattach variable, that
/// variable's line (Terraform's `TF_REATTACH_PROVIDERS`, as terraform-plugin-go's debug mode
/// prints it).
public struct ReattachConfig: Sendable, Equatable, Codable {
  /// The app protocol version the plugin answered.
  public var protocolVersion: Int
  /// The plugin's pid: a go-plugin host watches it to learn that the plugin ended.
  public var pid: Int32
  /// The relay's second listener, for the host (always a unix socket, only this user's).
  public var address: String
  /// Whether the relay talks mutual TLS to the plugin (the host's side is plaintext: a
  /// reattaching go-plugin host exchanges no certificate).
  public var autoMTLS: Bool
  /// The host profile's reattach variable and the line that sets it, when it has one.
  public var hostVariable: String?
  /// `export VARIABLE='…'`, when the profile has a reattach variable and, for Terraform, a
  /// provider address was given.
  public var hostLine: String?

  /// A reattach config; `profile` and `providerAddress` make the host's line.
  public init(
    protocolVersion: Int, pid: Int32, address: String, autoMTLS: Bool, profile: HostProfile? = nil,
    providerAddress: String? = nil
  ) {
    self.protocolVersion = protocolVersion
    self.pid = pid
    self.address = address
    self.autoMTLS = autoMTLS
    if let reattach = profile?.reattach, let variable = reattach.variable {
      hostVariable = variable
      switch reattach.format {
      case .terraform:
        hostLine = providerAddress.map { "export \(variable)='{\(Self.quoted($0)):\(goPluginJSON)}'" }
      case .goPlugin:
        hostLine = "export \(variable)='\(goPluginJSON)'"
      }
    }
  }

  /// go-plugin's `ReattachConfig` as Go's encoding/json writes it (terraform-plugin-go's shape):
  /// `{"Protocol":"grpc","ProtocolVersion":6,"Pid":123,"Test":true,"Addr":{"Network":"unix","String":"…"}}`.
  public var goPluginJSON: String {
    "{\"Protocol\":\"grpc\",\"ProtocolVersion\":\(protocolVersion),\"Pid\":\(pid),\"Test\":true,"
      + "\"Addr\":{\"Network\":\"unix\",\"String\":\(Self.quoted(address))}}"
  }

  /// What the host is told about TLS.
  public var tlsStatement: String {
    autoMTLS
      ? "the host connects without TLS (a reattaching go-plugin host exchanges no certificate); the relay talks "
        + "mutual TLS to the plugin with plugin-dev's certificate"
      : "plaintext on both sides"
  }

  /// `text` as a JSON string.
  static func quoted(_ text: String) -> String {
    let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
    return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
  }
}

/// `run --serve`'s connections in the relay's traffic: the host's connection N is numbered
/// `base + N`, so a frame says whose connection it came on (plugin-dev's own are below `base`).
public enum ServedConnection {
  /// The first number past plugin-dev's own connections.
  public static let base = 1000

  /// The traffic's number of the host's relay connection `id`.
  public static func number(_ id: Int) -> Int { base + id }

  /// The host's connection number of a traffic connection, nil for plugin-dev's own.
  public static func hostConnection(_ connection: Int) -> Int? { connection > base ? connection - base : nil }

  /// A relay event of the host's listener, numbered as the traffic numbers it.
  static func numbered(_ event: TapProxy.ConnectionEvent) -> TapProxy.ConnectionEvent {
    switch event {
    case .opened(let id): .opened(id: number(id))
    case .closed(let id): .closed(id: number(id))
    case .failed(let id, let reason): .failed(id: number(id), reason: reason)
    case .error(let id, let direction, let reason): .error(id: number(id), direction: direction, reason: reason)
    }
  }
}
