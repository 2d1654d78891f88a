import Foundation
import Traffic

/// What a relay saw, as a capture records it: a connection opened, bytes went one way, it closed.
///
/// Connection ids belong to one relay (`CaptureRecorder.relayStarted` begins a new relay).
public enum CaptureEvent: Sendable, Hashable {
  /// Connection `connection` was accepted and its other side reached.
  case opened(connection: Int, at: Date)
  /// `bytes` went `direction` on connection `connection` at `at`.
  case bytes(connection: Int, direction: Direction, bytes: [UInt8], at: Date)
  /// Connection `connection` closed (both sides).
  case closed(connection: Int, at: Date)

  /// The connection the event is about.
  public var connection: Int {
    switch self {
    case .opened(let connection, _), .bytes(let connection, _, _, _), .closed(let connection, _): connection
    }
  }

  /// The relayed bytes the event carries (0 for opened and closed).
  public var payloadCount: Int {
    if case .bytes(_, _, let bytes, _) = self { return bytes.count }
    return 0
  }
}
