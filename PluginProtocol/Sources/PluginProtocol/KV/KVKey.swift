/// Rules for KV keys that are stored as file names, so no key can escape the storage folder.
public enum KVKey {
  /// Longest key in UTF-8 bytes (file names are limited to 255 bytes, with the `kv_` prefix).
  public static let maxLength = 200

  /// Throws `.invalidKey` when `key` is empty, `.`/`..`, too long, or contains `/`, `\` or NUL.
  public static func validate(_ key: String) throws(KVError) {
    let reason: String?
    if key.isEmpty {
      reason = "keys may not be empty"
    } else if key == "." || key == ".." {
      reason = "keys may not be '.' or '..'"
    } else if key.contains("/") {
      reason = "keys may not contain '/'"
    } else if key.contains("\\") {
      reason = "keys may not contain '\\'"
    } else if key.unicodeScalars.contains("\0") {
      reason = "keys may not contain NUL"
    } else if key.utf8.count > maxLength {
      reason = "keys may be at most \(maxLength) bytes (this one has \(key.utf8.count))"
    } else {
      reason = nil
    }
    if let reason { throw .invalidKey(key, reason: reason) }
  }

  /// The file name a key is stored under (`kv_<key>`, as go-plugin's examples do).
  public static func fileName(for key: String) throws(KVError) -> String {
    try validate(key)
    return "kv_" + key
  }
}

/// Errors a KV store reports; `KVService` maps them to gRPC status codes.
public enum KVError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The key is not acceptable (maps to `INVALID_ARGUMENT`).
  case invalidKey(String, reason: String)
  /// No value stored under the key (maps to `NOT_FOUND`).
  case notFound(String)
  /// The store failed (maps to `INTERNAL`).
  case storage(String)

  /// What happened and what to do.
  public var description: String {
    switch self {
    case .invalidKey(let key, let reason): return "invalid key \(GoSyntax.goQuote(key)): \(reason)"
    case .notFound(let key): return "no value for key '\(key)'"
    case .storage(let message): return message
    }
  }
}
