import PluginProtocol

extension PluginEnvironment {
  /// A variable's value on one line, for text output and the TUI: a PEM block
  /// (`PLUGIN_CLIENT_CERT`) becomes `<PEM CERTIFICATE, N bytes>`, other line breaks `⏎`.
  public static func displayValue(_ value: String) -> String {
    guard value.contains("\n") || value.contains("\r") else { return value }
    let pemStart = "-----BEGIN "
    if value.hasPrefix(pemStart) {
      return "<PEM \(value.dropFirst(pemStart.count).prefix { $0 != "-" }), \(value.utf8.count) bytes>"
    }
    return TerminalText.oneLine(value)
  }
}
