/// How much a capture holds.
public struct CaptureCounts: Sendable, Hashable {
  /// Packets (Enhanced Packet Blocks).
  public var packets = 0
  /// Relay connections (TCP flows).
  public var connections = 0
  /// Relayed bytes (TCP payload).
  public var payloadBytes = 0

  /// Counts.
  public init(packets: Int = 0, connections: Int = 0, payloadBytes: Int = 0) {
    self.packets = packets
    self.connections = connections
    self.payloadBytes = payloadBytes
  }
}
