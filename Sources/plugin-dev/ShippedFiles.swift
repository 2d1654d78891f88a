import Foundation
import PluginHost
import Scaffold

/// The files plugin-dev ships beside its executable (or in the source tree it was built from).
enum ShippedFiles {
  /// The built-in host profiles, `Profiles/` beside `Templates/`.
  static func hostProfiles() -> HostProfiles {
    let root =
      TemplateLibrary.builtInPackageRoot()
      ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    return HostProfiles(folder: root.appendingPathComponent("Profiles", isDirectory: true))
  }
}
