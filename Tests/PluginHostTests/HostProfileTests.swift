import Foundation
import PluginProtocol
import Testing

@testable import PluginHost

/// The built-in host profiles (Profiles/*.json): each fact as the host's source says it, each
/// fact cited (Tests/Fixtures/profile-facts.md has the quotes), and what a bad profile is told.
@Suite("host profiles")
struct HostProfileTests {
  static let profiles = HostProfiles(
    folder: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Profiles", isDirectory: true))

  /// One row per built-in profile; the citation is where the row's facts were read.
  struct Row: Sendable, CustomTestStringConvertible {
    var name: String
    var cookie: String
    var versions: [Int]
    var autoMTLS: Bool
    var healthChecks: Bool
    var broker: Bool
    var service: String
    var reattach: String?
    var citation: String
    var testDescription: String { name }
  }

  static let table: [Row] = [
    Row(
      name: "terraform",
      cookie: "TF_PLUGIN_MAGIC_COOKIE=d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2",
      versions: [5, 6], autoMTLS: true, healthChecks: false, broker: false, service: "tfplugin6.Provider",
      reattach: "TF_REATTACH_PROVIDERS",
      citation: "hashicorp/terraform v1.15.9 internal/plugin6/serve.go, internal/command/meta_providers.go"),
    Row(
      name: "grafana", cookie: "grafana_plugin_type=datasource", versions: [2], autoMTLS: false, healthChecks: false,
      broker: false, service: "pluginv2.Data", reattach: nil,
      citation: "grafana/grafana-plugin-sdk-go v0.296.3 backend/grpcplugin/handshake.go"),
    Row(
      name: "boundary", cookie: "HASHICORP_BOUNDARY_PLUGIN=boundary-plugin", versions: [1], autoMTLS: true,
      healthChecks: false, broker: false, service: "plugin.v1.HostPluginService", reattach: nil,
      citation: "hashicorp/boundary v0.21.3, hashicorp/go-secure-stdlib pluginutil/v2.0.8"),
    Row(
      name: "nomad",
      cookie: "NOMAD_PLUGIN_MAGIC_COOKIE=e4327c2e01eabfd75a8a67adb114fb34a757d57eee7728d857a8cec6e91a7255",
      versions: [2], autoMTLS: false, healthChecks: false, broker: false,
      service: "hashicorp.nomad.plugins.drivers.proto.Driver", reattach: nil,
      citation: "hashicorp/nomad v2.0.5 plugins/base/plugin.go"),
    Row(
      name: "vault", cookie: "VAULT_BACKEND_PLUGIN=6669da05-b1c8-4f49-97d9-c8e5bed98e20", versions: [5], autoMTLS: true,
      healthChecks: false, broker: true, service: "pb.Backend", reattach: nil,
      citation: "hashicorp/vault sdk/plugin/serve.go, sdk/helper/pluginutil"),
    Row(
      name: "go-plugin-examples", cookie: "BASIC_PLUGIN=hello", versions: [1], autoMTLS: false, healthChecks: false,
      broker: false, service: "proto.KV", reattach: nil, citation: "hashicorp/go-plugin v1.8.0 examples/grpc"),
  ]

  @Test func everyBuiltInProfileHasARow() throws {
    #expect(Self.profiles.names == Self.table.map(\.name).sorted())
  }

  @Test(arguments: table)
  func aProfileSaysWhatItsHostSays(_ row: Row) throws {
    let profile = try Self.profiles.resolve(row.name)
    #expect(profile.name == row.name)
    #expect("\(profile.cookie.key)=\(profile.cookie.value)" == row.cookie, "\(row.citation)")
    #expect(profile.protocolVersions == row.versions, "\(row.citation)")
    #expect(profile.autoMTLS == row.autoMTLS, "\(row.citation)")
    #expect(profile.healthChecks == row.healthChecks, "\(row.citation)")
    #expect(profile.broker == row.broker, "\(row.citation)")
    #expect(profile.services.contains(row.service), "\(profile.services)")
    #expect(profile.reattach?.variable == row.reattach)
    #expect(profile.uncitedFacts.isEmpty, "\(row.name) cites no source for \(profile.uncitedFacts)")
    for source in profile.sources {
      #expect(source.repository.contains("/") && !source.ref.isEmpty && !source.path.isEmpty && !source.says.isEmpty)
    }
  }

  /// `act(as:)` sets what the host sets, and nothing else.
  @Test func actingAsAHostSetsItsHandshake() throws {
    var options = HostOptions()
    options.extraEnvironment["GF_VERSION"] = "mine"
    let grafana = try Self.profiles.resolve("grafana")
    options.act(as: grafana)
    let target = PluginTarget(name: "p", command: .arguments(["./p"]), folder: URL(fileURLWithPath: "/tmp"))
    #expect(options.handshake(of: target).magicCookieKey == "grafana_plugin_type")
    #expect(options.protocolVersions == [2])
    #expect(options.healthInterval == nil && options.healthOnce)
    #expect(options.extraEnvironment["GF_VERSION"] == "mine", "--env wins over the profile's variables")
    let terraform = try Self.profiles.resolve("terraform")
    options.act(as: terraform)
    #expect(options.autoMTLS)
  }

  @Test func aTeamsOwnProfileMayBeShort() throws {
    let profile = try HostProfile.parse(
      Data(#"{"cookie": {"key": "MY_HOST", "value": "yes"}, "protocolVersions": [3]}"#.utf8), file: "/x/my-host.json")
    #expect(profile.name == "my-host")
    #expect(profile.allowedProtocols == ["grpc"] && profile.healthChecks && !profile.autoMTLS)
    #expect(profile.uncitedFacts.count == HostProfile.citedFacts.count)
  }

  @Test(arguments: [
    (#"{"protocolVersions": [1]}"#, #"the field "cookie" is missing"#),
    (#"{"cookie": {"key": "K", "value": ""}, "protocolVersions": [1]}"#, "must not be empty"),
    (#"{"cookie": {"key": "K", "value": "v"}, "protocolVersions": []}"#, "protocolVersions must list"),
    (#"{"cookie": {"key": "K", "value": "v"}, "protocolVersions": [1], "allowedProtocols": ["http"]}"#, "\"http\""),
    (#"{"cookie": {"key": "K", "value": "v"}, "protocolVersions": "1"}"#, #""protocolVersions" is not a"#),
    (#"{"cookie": {"key": "K", "value": "v"}, "#, "not valid JSON"),
  ])
  func aBadProfileSaysWhatIsWrong(_ text: String, _ expected: String) {
    #expect(throws: HostProfileError.self) { try HostProfile.parse(Data(text.utf8), file: "bad.json") }
    do {
      _ = try HostProfile.parse(Data(text.utf8), file: "bad.json")
    } catch {
      #expect(error.description.hasPrefix("bad.json: not a usable host profile"), "\(error)")
      #expect(error.description.contains(expected), "\(error)")
    }
  }

  @Test func anUnknownNameListsTheBuiltInOnes() {
    #expect(throws: HostProfileError.unknown("terraforms", available: Self.profiles.names)) {
      try Self.profiles.resolve("terraforms")
    }
    let text = HostProfileError.unknown("terraforms", available: ["terraform"]).description
    #expect(text.contains("plugin-dev hosts") && text.contains("--host ./my-host.json"))
  }
}
