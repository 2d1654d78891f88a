import GRPCCore
import WireTap

extension Status.Code {
  /// The code as gRPC spells it (`NOT_FOUND`, `UNKNOWN`, `OK`), for text a person reads; JSON and
  /// logs keep grpc-swift's spelling (`name`), which scripts and `view` read.
  public var grpcName: String { GRPCStatusName.name(for: rawValue) ?? description }

  /// Every gRPC status code in numeric order, `ok` first.
  static let allCodes: [Status.Code] = (0...16).compactMap { Status.Code(rawValue: $0) }

  /// The code named `name` in grpc-swift's spelling, which is what `description` gives and what
  /// headless output and JSON carry (`ok`, `notFound`, `deadlineExceeded`); nil for anything else.
  public init?(name: String) {
    guard let code = Self.allCodes.first(where: { $0.description == name }) else { return nil }
    self = code
  }
}

extension KeyedDecodingContainer {
  /// Decodes a status code written as its name (`"unavailable"`).
  package func decodeStatusCode(forKey key: Key) throws -> Status.Code {
    let name = try decode(String.self, forKey: key)
    guard let code = Status.Code(name: name) else {
      throw DecodingError.dataCorruptedError(
        forKey: key, in: self, debugDescription: "'\(name)' is not a gRPC status code name (ok, cancelled, unknown, …)")
    }
    return code
  }
}
