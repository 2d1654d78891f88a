import Foundation
import PluginHost
import PluginProtocol
import Testing

@testable import TerminalUI

/// `run --attach` in the TUI: no `started` event (nothing is started), the handshake means running.
@Suite("TUI: an attached session")
struct AttachedSessionTests {
  @Test func theHandshakeAloneMeansRunning() {
    var state = Fixture.empty(size: Size(width: 80, height: 24), capacity: 100)
    let line = HandshakeLine(appVersion: 1, network: .tcp, address: "127.0.0.1:10000")
    Fixture.feed(&state, [Fixture.event(.handshake(line, raw: line.formatted, warnings: [], seconds: 0), 1)])
    #expect(state.phase == .running)
    #expect(state.pid == nil)
    #expect(state.handshake?.line == line)
    // Nothing was started, so no "ms after start".
    let text = HandshakeView.document(state, width: 80).map(\.text).joined(separator: "\n")
    #expect(text.contains("(attached: not started by plugin-dev)"), "\(text)")
    #expect(!text.contains("after start"), "\(text)")
  }
}
