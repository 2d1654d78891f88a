import Foundation
import Traffic

/// Decodes every connection of a relay: bytes of connection N in, records out (stamped with N).
///
/// One `ConnectionDecoder` per open connection, made on its first bytes and freed when the
/// relay says it closed, so a relay that sees many short connections holds state only for the
/// open ones.
public struct RelayDecoder: Sendable {
  /// What the relay saw.
  public enum Input: Sendable {
    /// A chunk of connection `connection`, travelling in `direction`, seen at `time`.
    case bytes(connection: Int, direction: Direction, bytes: [UInt8], time: Date)
    /// Connection `connection` closed: its state is freed.
    case closed(connection: Int)
  }

  private let registry: MessageRegistry
  private let schemas: SchemaStore?
  private var decoders: [Int: ConnectionDecoder] = [:]

  /// Creates a decoder for a relay whose gRPC messages are described by `schemas` (first) and `registry`.
  public init(registry: MessageRegistry, schemas: SchemaStore? = nil) {
    self.registry = registry
    self.schemas = schemas
  }

  /// How many connections have decoding state now.
  public var openConnections: Int { decoders.count }

  /// Feeds one input; returns the records it completes.
  public mutating func feed(_ input: Input) -> [FrameRecord] {
    switch input {
    case .bytes(let connection, let direction, let bytes, let time):
      return decoders[
        connection, default: ConnectionDecoder(registry: registry, schemas: schemas, connection: connection)
      ]
      .feed(bytes, direction: direction, at: time)
    case .closed(let connection):
      decoders[connection] = nil
      return []
    }
  }
}
