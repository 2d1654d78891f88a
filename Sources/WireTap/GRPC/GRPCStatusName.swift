/// Names of gRPC status codes (grpc/doc/statuscodes.md).
public enum GRPCStatusName {
  private static let names = [
    "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
    "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
    "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
    "UNAUTHENTICATED",
  ]

  /// The canonical name, e.g. `UNAVAILABLE` for 14; nil for codes gRPC does not define.
  public static func name(for code: Int) -> String? {
    code >= 0 && code < names.count ? names[code] : nil
  }
}
