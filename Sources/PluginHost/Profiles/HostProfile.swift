import Foundation

/// What a real go-plugin host sets for its plugins, as data (`Profiles/NAME.json`, or a team's
/// own file): the handshake, AutoMTLS, whether it checks health, the services it calls, and how a
/// debugger reattaches. `run`, `check`, `env` and `wrap` take one with `--host NAME|FILE`.
///
/// Each built-in profile cites, fact by fact, the host's source it was read from (`sources`).
public struct HostProfile: Sendable, Equatable, Codable {
  /// The magic cookie the host sends.
  public struct Cookie: Sendable, Equatable, Codable {
    /// The environment variable (go-plugin's `MagicCookieKey`).
    public var key: String
    /// Its value (`MagicCookieValue`).
    public var value: String

    /// A cookie.
    public init(key: String, value: String) {
      self.key = key
      self.value = value
    }
  }

  /// How a debugger-started plugin is handed to the host instead of the host starting it.
  public struct Reattach: Sendable, Equatable, Codable {
    /// The shape of what the host reads.
    public enum Format: String, Sendable, Equatable, Codable {
      /// Terraform's `TF_REATTACH_PROVIDERS`: `{"ADDRESS": ReattachConfig}`.
      case terraform
      /// go-plugin's `ReattachConfig` as JSON, alone.
      case goPlugin = "go-plugin"
    }
    /// The variable the host reads it from (nil: the host takes it some other way).
    public var variable: String?
    /// The shape.
    public var format: Format
  }

  /// Where a fact was read: a file of the host's (or its SDK's) source at a version.
  public struct Source: Sendable, Equatable, Codable {
    /// Which fact (`cookie`, `protocolVersions`, …: a key of the profile).
    public var fact: String
    /// `owner/name` on GitHub.
    public var repository: String
    /// The tag or commit read.
    public var ref: String
    /// The file.
    public var path: String
    /// What the line says.
    public var says: String
  }

  /// The profile's name (`terraform`).
  public var name: String
  /// One line: which host, loading what.
  public var summary: String
  /// The cookie the host sends.
  public var cookie: Cookie
  /// The app protocol versions the host offers (`PLUGIN_PROTOCOL_VERSIONS`).
  public var protocolVersions: [Int]
  /// The protocols the host accepts (`grpc`, `netrpc`).
  public var allowedProtocols: [String]
  /// Whether the host turns AutoMTLS on (sends `PLUGIN_CLIENT_CERT`).
  public var autoMTLS: Bool
  /// Whether the host calls `grpc.health.v1.Health/Check("plugin")` (go-plugin's `Ping`).
  public var healthChecks: Bool
  /// The gRPC services the host calls on the plugin.
  public var services: [String]
  /// Whether the host uses go-plugin's GRPCBroker (services offered back to the plugin).
  public var broker: Bool
  /// Variables the host sets for the plugin besides go-plugin's.
  public var environment: [String: String]
  /// How a debugger-started plugin is handed to the host (nil: the host has no way).
  public var reattach: Reattach?
  /// What an author must know; what plugin-dev cannot do for this host yet.
  public var notes: [String]
  /// Where each fact was read (empty for a team's own profile).
  public var sources: [Source]

  /// The facts a built-in profile cites a source for.
  public static let citedFacts = [
    "cookie", "protocolVersions", "allowedProtocols", "autoMTLS", "healthChecks", "services", "broker",
  ]

  private enum CodingKeys: String, CodingKey {
    case name, summary, cookie, protocolVersions, allowedProtocols, autoMTLS, healthChecks, services, broker
    case environment, reattach, notes, sources
  }

  /// Decodes a profile; everything past the handshake has a default (a team's own profile may be short).
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
    summary = try container.decodeIfPresent(String.self, forKey: .summary) ?? ""
    cookie = try container.decode(Cookie.self, forKey: .cookie)
    protocolVersions = try container.decode([Int].self, forKey: .protocolVersions)
    allowedProtocols = try container.decodeIfPresent([String].self, forKey: .allowedProtocols) ?? ["grpc"]
    autoMTLS = try container.decodeIfPresent(Bool.self, forKey: .autoMTLS) ?? false
    healthChecks = try container.decodeIfPresent(Bool.self, forKey: .healthChecks) ?? true
    services = try container.decodeIfPresent([String].self, forKey: .services) ?? []
    broker = try container.decodeIfPresent(Bool.self, forKey: .broker) ?? false
    environment = try container.decodeIfPresent([String: String].self, forKey: .environment) ?? [:]
    reattach = try container.decodeIfPresent(Reattach.self, forKey: .reattach)
    notes = try container.decodeIfPresent([String].self, forKey: .notes) ?? []
    sources = try container.decodeIfPresent([Source].self, forKey: .sources) ?? []
  }

  /// Parses a profile; `file` names it in errors, and names it when it has no `name`.
  public static func parse(_ data: Data, file: String) throws(HostProfileError) -> HostProfile {
    var profile: HostProfile
    do {
      profile = try JSONDecoder().decode(HostProfile.self, from: data)
    } catch let DecodingError.keyNotFound(key, context) {
      throw .invalid(
        file,
        reason: "the field \"\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))\" is missing")
    } catch let DecodingError.typeMismatch(type, context) {
      throw .invalid(
        file, reason: "the field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" is not a \(type)")
    } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
      throw .invalid(
        file,
        reason:
          "the field \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\": \(context.debugDescription)")
    } catch {
      let reason = PluginManifest.syntaxError(in: data).map {
        [$0.location, $0.reason].compactMap { $0 }.joined(separator: ": ")
      }
      throw .invalid(file, reason: "not valid JSON (\(reason ?? "\(error)"))")
    }
    if profile.name.isEmpty { profile.name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent }
    if profile.cookie.key.isEmpty || profile.cookie.value.isEmpty {
      throw .invalid(file, reason: "cookie.key and cookie.value must not be empty")
    }
    if profile.cookie.key.contains("=") { throw .invalid(file, reason: "cookie.key must not contain '='") }
    if profile.protocolVersions.isEmpty || profile.protocolVersions.contains(where: { $0 < 1 }) {
      throw .invalid(file, reason: "protocolVersions must list app protocol versions, each 1 or more (e.g. [5, 6])")
    }
    if let unknown = profile.allowedProtocols.first(where: { $0 != "grpc" && $0 != "netrpc" }) {
      throw .invalid(file, reason: "allowedProtocols holds \"\(unknown)\"; go-plugin knows \"grpc\" and \"netrpc\"")
    }
    return profile
  }

  /// Reads and parses the profile in `file`.
  public static func load(_ file: URL) throws(HostProfileError) -> HostProfile {
    let data: Data
    do {
      data = try Data(contentsOf: file)
    } catch {
      throw .unreadable(file.path, reason: (error as NSError).localizedDescription)
    }
    return try parse(data, file: file.path)
  }

  /// The facts a profile does not cite a source for (a built-in one must cite each).
  public var uncitedFacts: [String] {
    Self.citedFacts.filter { fact in !sources.contains { $0.fact == fact } }
  }
}

/// Why a host profile cannot be used; each case says where and what to do.
public enum HostProfileError: Error, Sendable, Equatable, CustomStringConvertible {
  /// No built-in profile has that name.
  case unknown(String, available: [String])
  /// The file cannot be read.
  case unreadable(String, reason: String)
  /// The file is not a usable profile.
  case invalid(String, reason: String)

  /// What happened, where, and what to do.
  public var description: String {
    switch self {
    case .unknown(let name, let available):
      return "no host profile named \"\(name)\". Built in: \(available.joined(separator: ", ")) "
        + "(`plugin-dev hosts` lists them); or give a file, e.g. --host ./my-host.json."
    case .unreadable(let file, let reason):
      return "--host \(file): cannot read the profile (\(reason))."
    case .invalid(let file, let reason):
      return "\(file): not a usable host profile: \(reason). `plugin-dev hosts terraform` prints one to start from."
    }
  }
}
