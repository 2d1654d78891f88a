import Foundation
import GRPCCore

/// One health check.
public struct HealthSample: Sendable, Equatable, Codable {
  /// The note after the one health check made for a host that never checks health.
  public static func notCheckedByHost(_ host: String, sample: HealthSample) -> String {
    let answer: String
    switch sample.outcome {
    case .status(let status): answer = "it answered \(status)"
    case .failed(let code, _) where code == .unimplemented: answer = "it serves no health service, which is fine there"
    case .failed(let code, _): answer = "it answered \(code.grpcName)"
    }
    return "\(host) never calls grpc.health.v1.Health: plugin-dev checked once (\(answer)) and checks no more "
      + "(--health-interval 1s checks anyway)"
  }

  /// What to do when the plugin serves no `grpc.health.v1.Health` (check's `health.serving` fix for
  /// UNIMPLEMENTED, and the TUI's).
  public static let missingServiceFix =
    "Register the gRPC health service and set \"plugin\" to SERVING (go-plugin's non-Go guide, step 3)."

  /// What the check returned.
  ///
  /// Its Codable form is what Swift synthesizes for such an enum, with the code as its name:
  /// `{"status":{"_0":"SERVING"}}`, `{"failed":{"code":"unavailable","message":"…"}}`.
  public enum Outcome: Sendable, Equatable, Codable {
    /// A status (`SERVING`, `NOT_SERVING`, `UNKNOWN`, `SERVICE_UNKNOWN`).
    case status(String)
    /// The call failed (e.g. unavailable, notFound, unimplemented).
    case failed(code: Status.Code, message: String)

    private enum CodingKeys: String, CodingKey {
      case status, failed
    }

    private enum StatusCodingKeys: String, CodingKey {
      case _0
    }

    private enum FailedCodingKeys: String, CodingKey {
      case code, message
    }

    /// Decodes an outcome.
    public init(from decoder: any Decoder) throws {
      let container = try decoder.container(keyedBy: CodingKeys.self)
      guard container.allKeys.count == 1, let key = container.allKeys.first else {
        throw DecodingError.typeMismatch(
          Outcome.self,
          .init(codingPath: container.codingPath, debugDescription: "a health outcome has one key, status or failed"))
      }
      switch key {
      case .status:
        let nested = try container.nestedContainer(keyedBy: StatusCodingKeys.self, forKey: .status)
        self = .status(try nested.decode(String.self, forKey: ._0))
      case .failed:
        let nested = try container.nestedContainer(keyedBy: FailedCodingKeys.self, forKey: .failed)
        self = .failed(
          code: try nested.decodeStatusCode(forKey: .code), message: try nested.decode(String.self, forKey: .message))
      }
    }

    /// Encodes an outcome.
    public func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      switch self {
      case .status(let status):
        var nested = container.nestedContainer(keyedBy: StatusCodingKeys.self, forKey: .status)
        try nested.encode(status, forKey: ._0)
      case .failed(let code, let message):
        var nested = container.nestedContainer(keyedBy: FailedCodingKeys.self, forKey: .failed)
        try nested.encode(code.description, forKey: .code)
        try nested.encode(message, forKey: .message)
      }
    }
  }
  /// When it was made.
  public var time: Date
  /// The result.
  public var outcome: Outcome
  /// Round trip in seconds.
  public var latency: Double

  /// Creates a sample.
  public init(time: Date, outcome: Outcome, latency: Double) {
    self.time = time
    self.outcome = outcome
    self.latency = latency
  }

  /// True for `SERVING`.
  public var isServing: Bool { outcome == .status("SERVING") }

  /// `SERVING`, `NOT_SERVING`, …, or `unreachable` / the error code.
  public var label: String {
    switch outcome {
    case .status(let status): return status
    case .failed(let code, _): return code == .unavailable ? "unreachable" : code.description
    }
  }
}
