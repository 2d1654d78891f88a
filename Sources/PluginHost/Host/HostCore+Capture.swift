import Capture
import Foundation
import PluginProtocol
import Relay
import WireTap

/// The relay's traffic: the decoder and the pcapng capture fed from one stream per start.
extension HostCore {
  /// The traffic feed of a relay about to start for `line`, listening at `listen`; nil without
  /// the tap (an AutoMTLS relay that does not decode records nothing either).
  func startTraffic(for line: HandshakeLine, listen: String, decrypted: Bool) -> RelayTraffic? {
    guard options.tap else { return nil }
    if let capture {
      let tcpPort = line.network == .tcp ? line.address.split(separator: ":").last.flatMap { Int($0) } : nil
      let relay = CaptureRelay(
        host: "plugin-dev's gRPC client (connected to the relay's unix socket \(listen))",
        plugin: "the plugin at \(line.network == .unix ? "unix:" : "")\(line.address)", pluginTCPPort: tcpPort,
        decrypted: decrypted)
      if let notice = capture.relayStarted(relay) { observe(.notice(notice)) }
    }
    return RelayTraffic(capture: capture, schemas: schemas, observe: observe)
  }

  /// At a stop, after the relay closed: lets the last traffic be decoded and recorded, then
  /// closes the capture's flows that are still open.
  func drainTraffic(of run: Run) async {
    guard let traffic = run.traffic else { return }
    run.traffic = nil
    if await !traffic.drain(within: Self.trafficDrainLimit) {
      observe(.notice("the relay's last traffic was not all decoded within 5 s: the frame log and capture end early"))
    }
    capture?.relayEnded()
  }

  /// Returns once the relay traffic reported so far is decoded and recorded (an export then has it all).
  package func trafficCaughtUp() async {
    await run?.traffic?.caughtUp()
  }

  /// Longest wait at a stop for the relay's traffic to be decoded and recorded.
  static let trafficDrainLimit: Duration = .seconds(5)
}
