/// Every key of the TUI with what it does, and the filter terms (the help overlay and the
/// docs/tui.md list these).
public enum KeyTable {
  /// One key (or group of keys) and its effect.
  public struct Entry: Sendable, Hashable {
    /// The keys, as a user types them.
    public var keys: String
    /// What they do.
    public var action: String
  }

  /// All keys, in the order the help shows them.
  public static let entries: [Entry] = [
    Entry(keys: "Tab / Shift-Tab", action: "next / previous pane: frames, side pane, console"),
    Entry(keys: "j k / ↓ ↑", action: "move the selection (frames, log lines), or scroll the focused pane"),
    Entry(keys: "PgDn PgUp", action: "one page down / up (also Ctrl-D / Ctrl-U)"),
    Entry(keys: "g G / Home End", action: "first / last line (G on the frames turns follow on)"),
    Entry(keys: "Enter", action: "inspect the selected frame; on the Logs tab, open the selected line in full"),
    Entry(keys: "Esc", action: "close an overlay; leave the side pane, the console or the filter being typed"),
    Entry(keys: "/", action: "filter the frames (terms below); Enter keeps it, Esc restores the previous one"),
    Entry(keys: "x", action: "clear the frame filter"),
    Entry(
      keys: "a", action: "all frames / calls only (default: PING, WINDOW_UPDATE, SETTINGS and health checks hidden)"),
    Entry(keys: "z", action: "zoom the focused pane (frames or side pane) to the whole screen, and back"),
    Entry(keys: "f", action: "follow mode on / off (keep the newest frame selected)"),
    Entry(keys: ": or i", action: "type in the console (commands below)"),
    Entry(keys: "↑ ↓ in console", action: "command history (PgUp PgDn scroll the output)"),
    Entry(keys: "1 2 3", action: "side pane tab: Handshake, Health, Logs (also h l / ← → in the side pane)"),
    Entry(keys: "n p in inspector", action: "next / previous frame of the same stream"),
    Entry(keys: "h l in inspector", action: "previous / next frame of the list (also ← →)"),
    Entry(keys: "r", action: "restart the plugin: stop (Shutdown, 2 s, SIGKILL), build step, start"),
    Entry(keys: "R", action: "restart without the build step"),
    Entry(keys: "Ctrl-L", action: "redraw the screen"),
    Entry(keys: "?", action: "this help (j/k scroll it; q, Esc or any other key closes it)"),
    Entry(
      keys: "q / Ctrl-C",
      action: "quit: stop the plugin, restore the terminal (q closes the help or a log line instead)"),
    Entry(keys: "mouse", action: "wheel scrolls; click focuses, selects; again inspects"),
  ]

  /// The terms of the `/` filter (all must match).
  public static let filterTerms: [Entry] = [
    Entry(keys: "text", action: "summary or method contains text (\"quoted text\" too)"),
    Entry(keys: "method:Put", action: "the gRPC method path contains Put"),
    Entry(keys: "stream:3 / 1,3", action: "HTTP/2 stream id"),
    Entry(keys: "type:DATA", action: "frame type (type:data,headers for several)"),
    Entry(keys: "dir:in  dir:out", action: "host → plugin (also >) / plugin → host (also <)"),
    Entry(keys: "conn:2", action: "relay connection number"),
    Entry(keys: "is:error", action: "decode errors, grpc-status ≠ 0, RST_STREAM, GOAWAY"),
    Entry(keys: "-term", action: "negates a term, e.g. -type:PING"),
  ]
}
