import PluginHost

/// The styles the views use, in one place. Each pairs a colour with an attribute or with text
/// that tells the same thing, so the screen stays readable with `NO_COLOR`.
enum Theme {
  static let border = Style(dim: true)
  static let focusedBorder = Style(fg: .cyan, bold: true)
  static let title = Style(bold: true)
  static let focusedTitle = Style(fg: .cyan, bold: true, reverse: true)
  static let statusBar = Style(reverse: true)
  static let statusName = Style(bold: true, reverse: true)
  static let dim = Style(dim: true)
  static let heading = Style(fg: .yellow, bold: true, underline: true)
  static let label = Style(bold: true)
  static let key = Style(fg: .cyan, bold: true)
  static let ok = Style(fg: .green, bold: true)
  static let warning = Style(fg: .yellow, bold: true)
  static let error = Style(fg: .red, bold: true)
  static let fix = Style(fg: .green)
  static let goPlugin = Style(fg: .yellow)
  static let callHighlight = Style(fg: .yellow, bold: true)
  static let hostToPlugin = Style(fg: .cyan)
  static let pluginToHost = Style(fg: .magenta)
  static let cursor = Style(reverse: true)
  static let notice = Style(fg: .cyan)
  static let stray = Style(fg: .magenta, bold: true)

  /// The badge for a health label: colour on the status bar and an icon that says the same.
  static func healthBadge(_ label: String) -> (icon: String, style: Style) {
    switch label {
    case "SERVING": return ("●", Style(fg: .black, bg: .green, bold: true))
    case "NOT_SERVING", "UNKNOWN", "SERVICE_UNKNOWN": return ("◐", Style(fg: .black, bg: .yellow, bold: true))
    case HealthSample.noHealthServiceLabel: return ("○", Style(fg: .black, bg: .yellow, bold: true))
    default: return ("✗", Style(fg: .white, bg: .red, bold: true))
    }
  }

  /// Text colour for a health label.
  static func health(_ label: String) -> Style {
    switch label {
    case "SERVING": return ok
    case "NOT_SERVING", "UNKNOWN", "SERVICE_UNKNOWN", HealthSample.noHealthServiceLabel: return warning
    default: return error
    }
  }

  /// Colour of a frame type name.
  static func frameType(_ type: String) -> Style {
    switch type {
    case "HEADERS", "CONTINUATION", "PUSH_PROMISE": return Style(fg: .blue, bold: true)
    case "DATA": return Style(fg: .green, bold: true)
    case "RST_STREAM", "GOAWAY", "ERROR": return Style(fg: .red, bold: true)
    default: return Style(dim: true)
    }
  }

  /// Colour of a log level.
  static func level(_ level: LogEntry.Level) -> Style {
    switch level {
    case .error: return Style(fg: .red, bold: true)
    case .warn: return Style(fg: .yellow, bold: true)
    case .info: return Style(fg: .green)
    case .debug: return Style.plain
    case .trace: return Style(dim: true)
    }
  }
}
