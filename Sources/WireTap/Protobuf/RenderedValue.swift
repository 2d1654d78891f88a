/// A decoded protobuf value, independent of where it came from (schema or raw wire format),
/// from which both the one-line summary and the inspector tree are produced.
indirect enum RenderedValue: Sendable {
  /// Numbers, booleans, enum names: shown as is.
  case scalar(String)
  /// A string field: `text` holds at most `RenderLimits.storedStringCharacters` characters,
  /// `totalUTF8` the full length.
  case string(text: String, totalUTF8: Int)
  /// A bytes field: the first bytes and the full count.
  case bytes(prefix: [UInt8], count: Int)
  /// A nested message.
  case message(RenderedMessage)
  /// A repeated field: the kept elements and the full element count.
  case list([RenderedValue], total: Int)
  /// A map field: the kept entries (sorted by key) and the full entry count.
  case map([RenderedMapEntry], total: Int)
}
