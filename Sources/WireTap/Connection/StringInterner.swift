/// Hands back one shared copy of strings and header lists that repeat (header names and values,
/// summaries, the same response headers on every call), so a long capture holds each distinct
/// one once instead of once per frame.
///
/// Bounded: strings longer than `maxLength` bytes and lists of more than `maxHeaders` fields are
/// returned as they are, and once `capacity` distinct ones are held new ones are no longer added.
struct StringInterner: Sendable {
  static let maxLength = 256
  static let maxHeaders = 32
  static let capacity = 4096

  private var strings: Set<String> = []
  private var headerLists: Set<[HeaderField]> = []

  /// The shared copy of `fields`.
  mutating func callAsFunction(_ fields: [HeaderField]) -> [HeaderField] {
    guard fields.count <= Self.maxHeaders else { return fields }
    if let index = headerLists.firstIndex(of: fields) { return headerLists[index] }
    if headerLists.count < Self.capacity { headerLists.insert(fields) }
    return fields
  }

  /// The shared copy of `text` (`text` itself when it is not kept).
  mutating func callAsFunction(_ text: String) -> String {
    // Up to 15 UTF-8 bytes a String is stored inline and shares nothing.
    guard text.utf8.count > 15, text.utf8.count <= Self.maxLength else { return text }
    if let index = strings.firstIndex(of: text) { return strings[index] }
    if strings.count < Self.capacity { strings.insert(text) }
    return text
  }
}
