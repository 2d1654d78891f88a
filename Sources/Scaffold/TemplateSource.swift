/// Who chose a template library's folder: `--templates`, `PLUGIN_DEV_TEMPLATES`, or this plugin-dev itself.
///
/// Printed beside the folder (`templates: /…/Templates (built-in)`) so the user always sees
/// which templates `new` renders — they include the `build.sh` that `run` executes.
public enum TemplateSource: Sendable, Equatable, CustomStringConvertible {
  /// The folder given with `--templates DIR` (or passed directly to `TemplateLibrary.load`).
  case option
  /// The folder named by the `PLUGIN_DEV_TEMPLATES` environment variable.
  case environment
  /// The Templates folder of this plugin-dev: beside or above its executable, or in the source tree it was built from.
  case builtIn

  /// `--templates`, `PLUGIN_DEV_TEMPLATES` or `built-in`.
  public var description: String {
    switch self {
    case .option: "--templates"
    case .environment: TemplateLibrary.environmentVariable
    case .builtIn: "built-in"
    }
  }
}
