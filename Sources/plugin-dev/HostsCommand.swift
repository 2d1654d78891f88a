import ArgumentParser
import Foundation
import PluginHost

/// `plugin-dev hosts [NAME]`: the built-in host profiles `--host` takes, with their sources.
struct Hosts: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "hosts",
    abstract: "List the host profiles --host takes (Terraform, Grafana, Vault, …), or print one.",
    discussion: """
      A profile is what a real go-plugin host sets for its plugins: the magic cookie, the app \
      protocol versions it offers, AutoMTLS, whether it checks health, the services it calls and \
      how a debugger reattaches. `run`, `check` and `env` act as that host with --host NAME. Each \
      built-in profile cites the host's source it was read from. To describe your own host, print \
      one (plugin-dev hosts terraform > my-host.json), change it, and pass --host ./my-host.json.

      Examples:
        plugin-dev hosts                 (the built-in profiles, a block each)
        plugin-dev hosts terraform       (its JSON, sources and notes included)
        plugin-dev run --host terraform -- .venv/bin/python provider.py
      """
  )

  @Argument(help: "A profile to print whole (its JSON file), instead of the list.")
  var name: String?

  func run() async throws {
    let profiles = ShippedFiles.hostProfiles()
    if let name {
      do {
        // Parsed first, so a broken file is refused with its reason rather than printed.
        let file = try profiles.file(for: name)
        _ = try HostProfile.load(file)
        print(try String(contentsOf: file, encoding: .utf8), terminator: "")
      } catch let error as HostProfileError {
        throw ValidationError(error.description)
      }
      return
    }
    do {
      print(Self.listing(try profiles.all(), folder: profiles.folder))
    } catch {
      throw ValidationError(error.description)
    }
  }

  /// The list: a block per profile (what it sets, where its facts come from), then how to use one.
  static func listing(_ profiles: [HostProfile], folder: URL) -> String {
    var lines = ["host profiles: \(folder.path)", ""]
    for profile in profiles {
      lines.append(
        "\(profile.name.padding(toLength: max(20, profile.name.count + 2), withPad: " ", startingAt: 0))\(profile.summary)"
      )
      lines.append(String(repeating: " ", count: 20) + facts(profile))
      if !profile.sources.isEmpty {
        lines.append(String(repeating: " ", count: 20) + "read from " + sources(profile))
      }
    }
    lines.append("")
    lines.append(
      "Act as one: plugin-dev run --host NAME …, plugin-dev check --host NAME …, plugin-dev env --host NAME …")
    lines.append("Print one (to start your own): plugin-dev hosts NAME > my-host.json; then --host ./my-host.json")
    return lines.joined(separator: "\n")
  }

  /// The repositories and versions read, a commit as its first 7 digits, at most two per repository.
  static func sources(_ profile: HostProfile) -> String {
    var refs: [String: [String]] = [:]
    for source in profile.sources {
      let isCommit = source.ref.count == 40 && source.ref.allSatisfy(\.isHexDigit)
      let ref = isCommit ? String(source.ref.prefix(7)) : source.ref
      if !(refs[source.repository] ?? []).contains(ref) { refs[source.repository, default: []].append(ref) }
    }
    return refs.keys.sorted().map { repository in
      let list = refs[repository] ?? []
      let shown = list.prefix(2).joined(separator: ", ") + (list.count > 2 ? " and \(list.count - 2) more" : "")
      return "\(repository) \(shown)"
    }.joined(separator: "; ")
  }

  /// One line: cookie, versions, AutoMTLS, health, broker.
  static func facts(_ profile: HostProfile) -> String {
    let value = profile.cookie.value.count > 12 ? String(profile.cookie.value.prefix(8)) + "…" : profile.cookie.value
    var parts = [
      "\(profile.cookie.key)=\(value)",
      "versions \(profile.protocolVersions.map(String.init).joined(separator: ","))",
      "AutoMTLS \(profile.autoMTLS ? "on" : "off")",
      profile.healthChecks ? "checks health" : "never checks health",
    ]
    if profile.broker { parts.append("uses the GRPCBroker") }
    return parts.joined(separator: "  ")
  }
}
