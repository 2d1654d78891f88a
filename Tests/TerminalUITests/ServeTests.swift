import Foundation
import PluginHost
import PluginSession
import Testing
import WireTap

@testable import TerminalUI

/// `run --serve` in the TUI: the reattach config in the Handshake tab and the logs, the real
/// host's frames marked host#N in the frame list (plugin-dev's own unmarked).
@Suite("the TUI under run --serve")
struct ServeViewTests {
  @Test func theHostsFramesAndTheReattachConfigShow() {
    var state = Fixture.empty(size: Size(width: 120, height: 30))
    var host = Fixture.frame(2, .hostToPlugin, stream: 1, "HEADERS", length: 17, "HEADERS /proto.KV/Put")
    host.connection = ServedConnection.number(1)
    let own = Fixture.frame(3, .hostToPlugin, stream: 3, "HEADERS", length: 17, "HEADERS /proto.KV/Get")
    let config = ReattachConfig(protocolVersion: 1, pid: 4242, address: "/tmp/t/serve.sock", autoMTLS: true)
    Fixture.feed(
      &state,
      [Fixture.event(.frame(host), 2), Fixture.event(.frame(own), 3), Fixture.event(.serving(config), 4)])
    let columns = FramesView.Columns(width: 100)
    let marked = FramesView.line(host, columns: columns, zone: Fixture.utc, highlighted: false).text
    let unmarked = FramesView.line(own, columns: columns, zone: Fixture.utc, highlighted: false).text
    #expect(marked.contains("host#1 > "), "\(marked)")
    #expect(!unmarked.contains("host#"), "\(unmarked)")
    let handshake = HandshakeView.document(state, width: 200).map(\.text).joined(separator: "\n")
    #expect(handshake.contains("Serving a real host (--serve)"), "\(handshake)")
    #expect(handshake.contains(config.goPluginJSON), "\(handshake)")
    #expect(handshake.contains("mutual TLS to the plugin"), "\(handshake)")
  }
}
