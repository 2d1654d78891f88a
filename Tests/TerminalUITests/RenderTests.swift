import Foundation
import PluginHost
import Testing
import WireTap

@testable import TerminalUI

/// Whole screens rendered from fixture states at 80x24 and 132x43, compared line by line
/// (trailing spaces trimmed). To refresh after an intended change:
/// `TUI_GOLDEN_DIR=/tmp/golden swift test --filter GoldenDump`, review the files, paste.
@Suite("render")
struct RenderTests {
  static let small = Size(width: 80, height: 24)
  static let large = Size(width: 132, height: 43)

  /// The fixture screens by name.
  static func screens() -> [(String, AppState)] {
    var result: [(String, AppState)] = []
    for size in [small, large] {
      let suffix = "\(size.width)x\(size.height)"
      result.append(("running-\(suffix)", Fixture.running(size: size)))
      result.append(("failed-\(suffix)", Fixture.failed(size: size)))
      var inspector = Fixture.running(size: size)
      Fixture.press(&inspector, Array(repeating: Key.character("k"), count: 8) + [.enter])
      result.append(("inspector-\(suffix)", inspector))
      var help = Fixture.running(size: size)
      Fixture.press(&help, [.character("?")])
      result.append(("help-\(suffix)", help))
      var filter = Fixture.running(size: size)
      Fixture.press(&filter, [.character("/")])
      Fixture.type(&filter, "method:Put")
      result.append(("filter-\(suffix)", filter))
      var logs = Fixture.running(size: size)
      Fixture.press(&logs, [.character("3"), .tab])
      result.append(("logs-\(suffix)", logs))
      var health = Fixture.running(size: size)
      Fixture.press(&health, [.character("2")])
      result.append(("health-\(suffix)", health))
    }
    return result
  }

  static func screen(_ name: String) -> [String] {
    guard let state = screens().first(where: { $0.0 == name })?.1 else { return [] }
    return render(state, size: state.size).lines
  }

  /// Compares line by line so a failure names the line.
  static func expectLines(_ actual: [String], _ expected: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "line count", sourceLocation: sourceLocation)
    for (index, (got, want)) in zip(actual, expected).enumerated() where got != want {
      Issue.record("line \(index):\n got: \(got)\nwant: \(want)", sourceLocation: sourceLocation)
    }
  }

  /// Handshake accepted, frames with the last call marked, console results.
  @Test func running80By24() {
    Self.expectLines(
      Self.screen("running-80x24"),
      [
        " kv-swift │ pid 4242 │ ● SERVING 1.3 ms │ 15 frames │ ? help  q quit",
        "┌ Frames 11 · calls · 4 hidden · follow ─────┐┌ 1 Handshake 2 Health 3 Logs ───┐",
        "│ time      ⇄ str   len summary              ││Handshake line                  │",
        "│ 53:01.000 >   0    24 PREFACE PRI * HTTP/2…││1|1|unix|/tmp/plugin-7f3a/plugin│",
        "│ 53:02.000 >   1    17 HEADERS /proto.KV/Put││  .sock|grpc|  (23 ms after     │",
        "│ 53:02.000 >   1    15 DATA PutRequest {key…││  start)                        │",
        "│ 53:02.002 <   1     2 HEADERS (response) :…││1 core      1                   │",
        "│ 53:02.002 <   1     5 DATA Empty {}        ││  core protocol; must be 1      │",
        "│ 53:02.002 <   1     1 HEADERS (trailers) g…││2 app       1                   │",
        "│*53:03.000 >   3    17 HEADERS /proto.KV/Get││  API version (offered 1)       │",
        "│*53:03.000 >   3     8 DATA GetRequest {key…││3 network   unix     tcp or unix│",
        "│*53:03.002 <   3     2 HEADERS (response) :…││4 address                       │",
        "│*53:03.002 <   3    12 DATA GetResponse {va…││  /tmp/plugin-7f3a/plugin.sock  │",
        "│*53:03.002 <   3     1 HEADERS (trailers) g…││  where the gRPC server listens │",
        "│                                            ││5 protocol  grpc                │",
        "│                                            ││  grpc or netrpc (net/rpc)      │",
        "│                                            ││6 cert      (empty)            ↓│",
        "└ / filter  a all frames  Enter inspect ─────┘└────────────────────────────────┘",
        "─ Console ──────────────────────────────────────────────────────────────────────",
        "  ✓ ok  stored 5 bytes  (/proto.KV/Put 4.0 ms)",
        "› get a",
        "  ✓ ok  hello  (/proto.KV/Get 5.1 ms)",
        "› press : to type get KEY, put KEY VALUE, health, restart, clear, export FILE, …",
        " Tab focus  j/k move  Enter inspect  / filter  a all frames  ? help  q quit",
      ])
  }

  /// The same session on a large terminal: flags column, full clock, uptime and help hint.
  @Test func running132By43() {
    Self.expectLines(
      Self.screen("running-132x43"),
      [
        " kv-swift │ pid 4242 │ up 0:42 │ 1|1|unix|grpc │ ● SERVING 1.3 ms │ 15 frames │ ? help  q quit",
        "┌ Frames 11 · calls · 4 hidden · follow ───────────────────────────────────┐┌ 1 Handshake 2 Health 3 Logs ─────────────────────────┐",
        "│ time         ⇄  str flags   len summary                                  ││Handshake line                                        │",
        "│ 17:53:01.000 >    0          24 PREFACE PRI * HTTP/2.0 (client connectio…││1|1|unix|/tmp/plugin-7f3a/plugin.sock|grpc|  (23 ms   │",
        "│ 17:53:02.000 >    1 EH       17 HEADERS /proto.KV/Put                    ││  after start)                                        │",
        "│ 17:53:02.000 >    1 ES       15 DATA PutRequest {key: \"a\", value: 5 byte…││1 core      1        core protocol; must be 1         │",
        "│ 17:53:02.002 <    1 EH        2 HEADERS (response) :status=200           ││2 app       1        API version (offered 1)          │",
        "│ 17:53:02.002 <    1           5 DATA Empty {}                            ││3 network   unix     tcp or unix                      │",
        "│ 17:53:02.002 <    1 ES,EH     1 HEADERS (trailers) grpc-status=0         ││4 address   /tmp/plugin-7f3a/plugin.sock              │",
        "│*17:53:03.000 >    3 EH       17 HEADERS /proto.KV/Get                    ││                     where the gRPC server listens    │",
        "│*17:53:03.000 >    3 ES        8 DATA GetRequest {key: \"a\"}               ││5 protocol  grpc     grpc or netrpc (net/rpc)         │",
        "│*17:53:03.002 <    3 EH        2 HEADERS (response) :status=200           ││6 cert      (empty)  AutoMTLS server certificate      │",
        "│*17:53:03.002 <    3          12 DATA GetResponse {value: 5 bytes \"hello\"}││7 multiplex —        PLUGIN_MULTIPLEX_GRPC reply      │",
        "│*17:53:03.002 <    3 ES,EH     1 HEADERS (trailers) grpc-status=0         ││relay  /tmp/tap-1/tap.sock →                          │",
        "│                                                                          ││  /tmp/plugin-7f3a/plugin.sock                        │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││Environment sent                                      │",
        "│                                                                          ││BASIC_PLUGIN=hello                                    │",
        "│                                                                          ││PLUGIN_MAX_PORT=25000                                 │",
        "│                                                                          ││PLUGIN_MIN_PORT=10000                                 │",
        "│                                                                          ││PLUGIN_PROTOCOL_VERSIONS=1                            │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││Command                                               │",
        "│                                                                          ││/usr/local/bin/plugin-dev example-kv-plugin           │",
        "│                                                                          ││in /tmp/kv                                            │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││                                                      │",
        "└ / filter  a all frames  Enter inspect ───────────────────────────────────┘└──────────────────────────────────────────────────────┘",
        "─ Console ──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────",
        "› put a hello",
        "  ✓ ok  stored 5 bytes  (/proto.KV/Put 4.0 ms)",
        "› get a",
        "  ✓ ok  hello  (/proto.KV/Get 5.1 ms)",
        "",
        "",
        "› press : to type get KEY, put KEY VALUE, health, restart, clear, export FILE, help",
        " Tab focus  j/k move  Enter inspect  / filter  a all frames  z zoom  f follow  : console  r restart  ? help  q quit",
      ])
  }

  /// Failed handshake: diagnosis with the fix first, frame list narrowed.
  @Test func failed80By24() {
    Self.expectLines(
      Self.screen("failed-80x24"),
      [
        " junk-before.sh │ ✗ text before the handshake │ ? help  q quit",
        "┌ Frames 0 · follow ───────┐┌ 1 Handshake 2 Health 3 Logs ─────────────────────┐",
        "│ time      ⇄ str   len sum││✗ HANDSHAKE FAILED: text before the handshake     │",
        "│ no frames: the handshake…││fix: The plugin printed \"starting up...\" before   │",
        "│                          ││  its handshake line; go-plugin hosts take the    │",
        "│                          ││  very first stdout line and refuse anything      │",
        "│                          ││  else. Log to stderr instead, and print only     │",
        "│                          ││  CORE|APP|NETWORK|ADDR|PROTOCOL (e.g.            │",
        "│                          ││  1|1|tcp|127.0.0.1:1234|grpc) on stdout. The     │",
        "│                          ││  handshake itself came on stdout line 2:         │",
        "│                          ││  1|1|tcp|127.0.0.1:1234|grpc                     │",
        "│                          ││a go-plugin host reports:                         │",
        "│                          ││  Unrecognized remote plugin message: starting    │",
        "│                          ││  up...                                           │",
        "│                          ││  This usually means                              │",
        "│                          ││  the plugin was not compiled for this            │",
        "│                          ││  architecture,                                  ↓│",
        "└ / filter  a all frames  …┘└──────────────────────────────────────────────────┘",
        "─ Console ──────────────────────────────────────────────────────────────────────",
        "",
        "",
        "",
        "› press : to type get KEY, put KEY VALUE, health, restart, clear, export FILE, …",
        " Tab focus  j/k move  Enter inspect  / filter  a all frames  ? help  q quit",
      ])
  }

  /// Failed handshake on a large terminal.
  @Test func failed132By43() {
    Self.expectLines(
      Self.screen("failed-132x43"),
      [
        " junk-before.sh │ handshake FAILED │ ✗ text before the handshake │ 0 frames │ ? help  q quit",
        "┌ Frames 0 · follow ─────────────────────────┐┌ 1 Handshake 2 Health 3 Logs ───────────────────────────────────────────────────────┐",
        "│ time      ⇄ str   len summary              ││✗ HANDSHAKE FAILED: text before the handshake                                       │",
        "│ no frames: the handshake failed (see Hands…││fix: The plugin printed \"starting up...\" before its handshake line; go-plugin hosts │",
        "│                                            ││  take the very first stdout line and refuse anything else. Log to stderr instead,  │",
        "│                                            ││  and print only CORE|APP|NETWORK|ADDR|PROTOCOL (e.g. 1|1|tcp|127.0.0.1:1234|grpc)  │",
        "│                                            ││  on stdout. The handshake itself came on stdout line 2: 1|1|tcp|127.0.0.1:1234|grpc│",
        "│                                            ││a go-plugin host reports:                                                           │",
        "│                                            ││  Unrecognized remote plugin message: starting up...                                │",
        "│                                            ││  This usually means                                                                │",
        "│                                            ││  the plugin was not compiled for this architecture,                                │",
        "│                                            ││  the plugin is missing dynamic-link libraries necessary to run,                    │",
        "│                                            ││  the plugin is not executable by this process due to file permissions, or          │",
        "│                                            ││  the plugin failed to negotiate the initial go-plugin protocol handshake           │",
        "│                                            ││                                                                                    │",
        "│                                            ││Environment sent                                                                    │",
        "│                                            ││BASIC_PLUGIN=hello                                                                  │",
        "│                                            ││PLUGIN_MAX_PORT=25000                                                               │",
        "│                                            ││PLUGIN_MIN_PORT=10000                                                               │",
        "│                                            ││PLUGIN_PROTOCOL_VERSIONS=1                                                          │",
        "│                                            ││                                                                                    │",
        "│                                            ││Command                                                                             │",
        "│                                            ││/work/Tests/Fixtures/plugins/junk-before.sh                                         │",
        "│                                            ││in /tmp/kv                                                                          │",
        "│                                            ││                                                                                    │",
        "│                                            ││                                                                                    │",
        "│                                            ││                                                                                    │",
        "│                                            ││                                                                                    │",
        "│                                            ││                                                                                    │",
        "│                                            ││                                                                                    │",
        "│                                            ││                                                                                    │",
        "│                                            ││                                                                                    │",
        "│                                            ││                                                                                    │",
        "└ / filter  a all frames  Enter inspect ─────┘└────────────────────────────────────────────────────────────────────────────────────┘",
        "─ Console ──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────",
        "",
        "",
        "",
        "",
        "",
        "",
        "› press : to type get KEY, put KEY VALUE, health, restart, clear, export FILE, help",
        " Tab focus  j/k move  Enter inspect  / filter  a all frames  z zoom  f follow  : console  r restart  ? help  q quit",
      ])
  }

  /// Inspector on a DATA frame: facts, message tree, hex dump, stream.
  @Test func inspector80By24() {
    Self.expectLines(
      Self.screen("inspector-80x24"),
      [
        " kv-swift │ pid 4242 │ ● SERVING 1.3 ms │ 15 frames │ ? help  q quit",
        "┌ Frame #7 · DATA · stream 1 · host → plugin ──────────────────────────────────┐",
        "│ #7 DATA  stream 1  connection 1                                              │",
        "│ > host → plugin  17:53:02.000  15 bytes                                      │",
        "│ flags    END_STREAM                                                          │",
        "│ method   /proto.KV/Put                                                       │",
        "│ summary  DATA PutRequest {key: \"a\", value: 5 bytes \"hello\"}                  │",
        "│                                                                              │",
        "│ Message proto.PutRequest · request · 10 bytes                                │",
        "│ proto.PutRequest: 10 bytes                                                   │",
        "│ ├─ key: \"a\"                                                                  │",
        "│ └─ value: 5 bytes \"hello\"                                                    │",
        "│                                                                              │",
        "│ Payload 15 bytes                                                             │",
        "│ 0000  00 00 00 00 0a 0a 01 61  12 05 68 65 6c 6c 6f     |.......a..hello|    │",
        "│                                                                              │",
        "│ Stream 1 on connection 1: 5 frames                                           │",
        "│   #6 > HEADERS /proto.KV/Put                                                 │",
        "│ ▶ #7 > DATA PutRequest {key: \"a\", value: 5 bytes \"hello\"}                    │",
        "│   #8 < HEADERS (response) :status=200                                        │",
        "│   #9 < DATA Empty {}                                                         │",
        "│   #10 < HEADERS (trailers) grpc-status=0                                     │",
        "└ Esc close · j/k scroll · n/p stream · ←/→ list ──────────────────────────────┘",
        " Esc close  j/k scroll  n/p stream frames  ←/→ prev/next frame  ? help  q quit",
      ])
  }

  /// Inspector in two columns.
  @Test func inspector132By43() {
    Self.expectLines(
      Self.screen("inspector-132x43"),
      [
        " kv-swift │ pid 4242 │ up 0:42 │ 1|1|unix|grpc │ ● SERVING 1.3 ms │ 15 frames │ ? help  q quit",
        "┌ Frame #7 · DATA · stream 1 · host → plugin ──────────────────────────────────────────────────────────────────────────────────────┐",
        "│ #7 DATA  stream 1  connection 1                                │ Payload 15 bytes                                                │",
        "│ > host → plugin  17:53:02.000  15 bytes                        │ 0000  00 00 00 00 0a 0a 01 61  |.......a|                       │",
        "│ flags    END_STREAM                                            │ 0008  12 05 68 65 6c 6c 6f     |..hello|                        │",
        "│ method   /proto.KV/Put                                         │                                                                 │",
        "│ summary  DATA PutRequest {key: \"a\", value: 5 bytes \"hello\"}    │ Stream 1 on connection 1: 5 frames                              │",
        "│                                                                │   #6 > HEADERS /proto.KV/Put                                    │",
        "│ Message proto.PutRequest · request · 10 bytes                  │ ▶ #7 > DATA PutRequest {key: \"a\", value: 5 bytes \"hello\"}       │",
        "│ proto.PutRequest: 10 bytes                                     │   #8 < HEADERS (response) :status=200                           │",
        "│ ├─ key: \"a\"                                                    │   #9 < DATA Empty {}                                            │",
        "│ └─ value: 5 bytes \"hello\"                                      │   #10 < HEADERS (trailers) grpc-status=0                        │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "│                                                                │                                                                 │",
        "└ Esc close · j/k scroll · n/p stream · ←/→ list ──────────────────────────────────────────────────────────────────────────────────┘",
        " Esc close  j/k scroll  n/p stream frames  ←/→ prev/next frame  ? help  q quit",
      ])
  }

  /// Help overlay, scrollable at 80x24.
  @Test func help80By24() {
    Self.expectLines(
      Self.screen("help-80x24"),
      [
        " kv-swift │ pid 4242 │ ● SERVING 1.3 ms │ 15 frames │ ? help  q quit",
        "┌ Help — j/k scroll, q, Esc or any other key closes ───────────────────────────┐",
        "│ Keys                                                                         │",
        "│ Tab / Shift-Tab   next / previous pane: frames, side pane, console           │",
        "│ j k / ↓ ↑         move the selection (frames, log lines), or scroll the      │",
        "│                   focused pane                                               │",
        "│ PgDn PgUp         one page down / up (also Ctrl-D / Ctrl-U)                  │",
        "│ g G / Home End    first / last line (G on the frames turns follow on)        │",
        "│ Enter             inspect the selected frame; on the Logs tab, open the      │",
        "│                   selected line in full                                      │",
        "│ Esc               close an overlay; leave the side pane, the console or the  │",
        "│                   filter being typed                                         │",
        "│ /                 filter the frames (terms below); Enter keeps it, Esc       │",
        "│                   restores the previous one                                  │",
        "│ x                 clear the frame filter                                     │",
        "│ a                 all frames / calls only (default: PING, WINDOW_UPDATE,     │",
        "│                   SETTINGS and health checks hidden)                         │",
        "│ z                 zoom the focused pane (frames or side pane) to the whole   │",
        "│                   screen, and back                                           │",
        "│ f                 follow mode on / off (keep the newest frame selected)      │",
        "│ : or i            type in the console (commands below)                       │",
        "│ ↑ ↓ in console    command history (PgUp PgDn scroll the output)             ↓│",
        "└──────────────────────────────────────────────────────────────────────────────┘",
        " j/k scroll  q/Esc close (any other key too)",
      ])
  }

  /// Help overlay showing everything at 132x43.
  @Test func help132By43() {
    Self.expectLines(
      Self.screen("help-132x43"),
      [
        " kv-swift │ pid 4242 │ up 0:42 │ 1|1|unix|grpc │ ● SERVING 1.3 ms │ 15 frames │ ? help  q quit",
        "┌ Frames 11 · calls ┌ Help — j/k scroll, q, Esc or any other key closes ───────────────────────────────────────┐───────────────────┐",
        "│ time         ⇄  st│ Keys                                                                                     │                   │",
        "│ 17:53:01.000 >    │ Tab / Shift-Tab   next / previous pane: frames, side pane, console                       │ck|grpc|  (23 ms   │",
        "│ 17:53:02.000 >    │ j k / ↓ ↑         move the selection (frames, log lines), or scroll the focused pane     │                   │",
        "│ 17:53:02.000 >    │ PgDn PgUp         one page down / up (also Ctrl-D / Ctrl-U)                              │ must be 1         │",
        "│ 17:53:02.002 <    │ g G / Home End    first / last line (G on the frames turns follow on)                    │ffered 1)          │",
        "│ 17:53:02.002 <    │ Enter             inspect the selected frame; on the Logs tab, open the selected line in │                   │",
        "│ 17:53:02.002 <    │                   full                                                                   │.sock              │",
        "│*17:53:03.000 >    │ Esc               close an overlay; leave the side pane, the console or the filter being │ server listens    │",
        "│*17:53:03.000 >    │                   typed                                                                  │ (net/rpc)         │",
        "│*17:53:03.002 <    │ /                 filter the frames (terms below); Enter keeps it, Esc restores the      │r certificate      │",
        "│*17:53:03.002 <    │                   previous one                                                           │EX_GRPC reply      │",
        "│*17:53:03.002 <    │ x                 clear the frame filter                                                 │                   │",
        "│                   │ a                 all frames / calls only (default: PING, WINDOW_UPDATE, SETTINGS and    │                   │",
        "│                   │                   health checks hidden)                                                  │                   │",
        "│                   │ z                 zoom the focused pane (frames or side pane) to the whole screen, and   │                   │",
        "│                   │                   back                                                                   │                   │",
        "│                   │ f                 follow mode on / off (keep the newest frame selected)                  │                   │",
        "│                   │ : or i            type in the console (commands below)                                   │                   │",
        "│                   │ ↑ ↓ in console    command history (PgUp PgDn scroll the output)                          │                   │",
        "│                   │ 1 2 3             side pane tab: Handshake, Health, Logs (also h l / ← → in the side     │                   │",
        "│                   │                   pane)                                                                  │                   │",
        "│                   │ n p in inspector  next / previous frame of the same stream                               │v-plugin           │",
        "│                   │ h l in inspector  previous / next frame of the list (also ← →)                           │                   │",
        "│                   │ r                 restart the plugin: stop (Shutdown, 2 s, SIGKILL), build step, start   │                   │",
        "│                   │ R                 restart without the build step                                         │                   │",
        "│                   │ Ctrl-L            redraw the screen                                                      │                   │",
        "│                   │ ?                 this help (j/k scroll it; q, Esc or any other key closes it)           │                   │",
        "│                   │ q / Ctrl-C        quit: stop the plugin, restore the terminal (q closes the help or a    │                   │",
        "│                   │                   log line instead)                                                      │                   │",
        "│                   │ mouse             wheel scrolls; click focuses, selects; again inspects                  │                   │",
        "│                   │                                                                                          │                   │",
        "└ / filter  a all fr│ Filter (/)                                                                               │───────────────────┘",
        "─ Console ──────────│ text              summary or method contains text (\"quoted text\" too)                    │────────────────────",
        "› put a hello       │ method:Put        the gRPC method path contains Put                                      │",
        "  ✓ ok  stored 5 byt│ stream:3 / 1,3    HTTP/2 stream id                                                       │",
        "› get a             │ type:DATA         frame type (type:data,headers for several)                             │",
        "  ✓ ok  hello  (/pro│ dir:in  dir:out   host → plugin (also >) / plugin → host (also <)                        │",
        "                    │ conn:2            relay connection number                                                │",
        "                    │ is:error          decode errors, grpc-status ≠ 0, RST_STREAM, GOAWAY                    ↓│",
        "› press : to type ge└──────────────────────────────────────────────────────────────────────────────────────────┘",
        " j/k scroll  q/Esc close (any other key too)",
      ])
  }

  /// Filter being typed: matches only, editor in the bottom border.
  @Test func filter80By24() {
    Self.expectLines(
      Self.screen("filter-80x24"),
      [
        " kv-swift │ pid 4242 │ ● SERVING 1.3 ms │ 15 frames │ ? help  q quit",
        "┌ Frames 5 of 15 · calls · follow ───────────┐┌ 1 Handshake 2 Health 3 Logs ───┐",
        "│ time      ⇄ str   len summary              ││Handshake line                  │",
        "│ 53:02.000 >   1    17 HEADERS /proto.KV/Put││1|1|unix|/tmp/plugin-7f3a/plugin│",
        "│ 53:02.000 >   1    15 DATA PutRequest {key…││  .sock|grpc|  (23 ms after     │",
        "│ 53:02.002 <   1     2 HEADERS (response) :…││  start)                        │",
        "│ 53:02.002 <   1     5 DATA Empty {}        ││1 core      1                   │",
        "│ 53:02.002 <   1     1 HEADERS (trailers) g…││  core protocol; must be 1      │",
        "│                                            ││2 app       1                   │",
        "│                                            ││  API version (offered 1)       │",
        "│                                            ││3 network   unix     tcp or unix│",
        "│                                            ││4 address                       │",
        "│                                            ││  /tmp/plugin-7f3a/plugin.sock  │",
        "│                                            ││  where the gRPC server listens │",
        "│                                            ││5 protocol  grpc                │",
        "│                                            ││  grpc or netrpc (net/rpc)      │",
        "│                                            ││6 cert      (empty)            ↓│",
        "└─/method:Put ───────────────────────────────┘└────────────────────────────────┘",
        "─ Console ──────────────────────────────────────────────────────────────────────",
        "  ✓ ok  stored 5 bytes  (/proto.KV/Put 4.0 ms)",
        "› get a",
        "  ✓ ok  hello  (/proto.KV/Get 5.1 ms)",
        "› press : to type get KEY, put KEY VALUE, health, restart, clear, export FILE, …",
        " Enter apply  Esc cancel  e.g. put  method:Get  stream:3  type:DATA  dir:in  is…",
      ])
  }

  /// Logs tab with levels, stray stdout and notices.
  @Test func logs132By43() {
    Self.expectLines(
      Self.screen("logs-132x43"),
      [
        " kv-swift │ pid 4242 │ up 0:42 │ 1|1|unix|grpc │ ● SERVING 1.3 ms │ 15 frames │ ? help  q quit",
        "┌ Frames 11 · calls · 4 hidden · follow ───────────────────────────────────┐┌ 1 Handshake 2 Health 3 Logs ─────────────────────────┐",
        "│ time         ⇄  str flags   len summary                                  ││17:53:00 NOTE  started pid 4242: /usr/local/bin/plugi…│",
        "│ 17:53:01.000 >    0          24 PREFACE PRI * HTTP/2.0 (client connectio…││17:53:00 DEBUG kv: plugin address network=unix        │",
        "│ 17:53:02.000 >    1 EH       17 HEADERS /proto.KV/Put                    ││17:53:00 INFO  kv: serving address=/tmp/plugin-7f3a/p…│",
        "│ 17:53:02.000 >    1 ES       15 DATA PutRequest {key: \"a\", value: 5 byte…││17:53:04 WARN  kv: slow disk ms=120                   │",
        "│ 17:53:02.002 <    1 EH        2 HEADERS (response) :status=200           ││17:53:04 STDOUT debug: connected  (after the handshak…│",
        "│ 17:53:02.002 <    1           5 DATA Empty {}                            ││17:53:04 NOTE  the plugin has no plugin.GRPCBroker (U…│",
        "│ 17:53:02.002 <    1 ES,EH     1 HEADERS (trailers) grpc-status=0         ││17:53:04 ERROR kv: put failed key=b                   │",
        "│*17:53:03.000 >    3 EH       17 HEADERS /proto.KV/Get                    ││                                                      │",
        "│*17:53:03.000 >    3 ES        8 DATA GetRequest {key: \"a\"}               ││                                                      │",
        "│*17:53:03.002 <    3 EH        2 HEADERS (response) :status=200           ││                                                      │",
        "│*17:53:03.002 <    3          12 DATA GetResponse {value: 5 bytes \"hello\"}││                                                      │",
        "│*17:53:03.002 <    3 ES,EH     1 HEADERS (trailers) grpc-status=0         ││                                                      │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││                                                      │",
        "│                                                                          ││                                                      │",
        "└ / filter  a all frames  Enter inspect ───────────────────────────────────┘└──────────────────────────────────────────────────────┘",
        "─ Console ──────────────────────────────────────────────────────────────────────────────────────────────────────────────────────────",
        "› put a hello",
        "  ✓ ok  stored 5 bytes  (/proto.KV/Put 4.0 ms)",
        "› get a",
        "  ✓ ok  hello  (/proto.KV/Get 5.1 ms)",
        "",
        "",
        "› press : to type get KEY, put KEY VALUE, health, restart, clear, export FILE, help",
        " j/k select  Enter full line  1/2/3 h/l tabs  z zoom  Esc leave  ? help  q quit",
      ])
  }
}

@Suite("Handshake view")
struct HandshakeViewTests {
  @Test func aLongCertificateFieldIsAbbreviated() {
    let cert = String(repeating: "A", count: 752)
    #expect(
      HandshakeView.abbreviatingCertificate("1|1|unix|/tmp/p.sock|grpc|MIIC" + cert)
        == "1|1|unix|/tmp/p.sock|grpc|MIICAAAAAAAA…(756 chars)")
    #expect(HandshakeView.abbreviatingCertificate("1|1|unix|/tmp/p.sock|grpc|") == "1|1|unix|/tmp/p.sock|grpc|")
    #expect(HandshakeView.abbreviatingCertificate("1|1|tcp|127.0.0.1:1|grpc") == "1|1|tcp|127.0.0.1:1|grpc")
  }
}

/// At 80×24 the bars keep the way to the keys and the way out; the frame list keeps the service.
@Suite("render at 80×24")
struct SmallTerminalTests {
  @Test func helpAndQuitAlwaysShow() {
    for (name, state) in RenderTests.screens() where state.size == RenderTests.small {
      let lines = render(state, size: state.size).lines
      #expect(lines.first?.hasSuffix("? help  q quit") == true, "\(name): \(lines.first ?? "")")
      guard state.focus == .frames, state.inspector == nil, !state.showHelp, !state.frameList.editing else { continue }
      #expect(lines.last?.hasSuffix("? help  q quit") == true, "\(name): \(lines.last ?? "")")
    }
  }

  @Test(arguments: [
    ("HEADERS /plugin.GRPCBroker/StartStream", "HEADERS /p.GRPCBroker/StartStream"),
    ("HEADERS /plugin.GRPCStdio/StreamStdio", "HEADERS /p.GRPCStdio/StreamStdio"),
    ("HEADERS /grpc.health.v1.Health/Check", "HEADERS /g.h.v1.Health/Check"),
    ("HEADERS /proto.KV/Put", "HEADERS /p.KV/Put"),
    ("HEADERS /Service/Method", "HEADERS /Service/Method"),
    ("DATA Empty {}", "DATA Empty {}"),
  ])
  func aNarrowRowAbbreviatesTheMethodsPackage(_ summary: String, _ abbreviated: String) {
    #expect(Format.abbreviatingPackage(summary) == abbreviated)
  }
}
