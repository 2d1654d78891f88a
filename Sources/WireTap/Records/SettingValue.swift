/// One parameter of a SETTINGS frame.
public struct SettingValue: Sendable, Hashable, Codable {
  /// The 16-bit identifier.
  public var identifier: UInt16
  /// Its name, e.g. `MAX_FRAME_SIZE`, or `0x0a` when unknown (see `HTTP2Setting.name`).
  public var name: String
  /// The value.
  public var value: UInt32

  /// Makes a setting value; the name is derived from the identifier.
  public init(identifier: UInt16, value: UInt32) {
    self.identifier = identifier
    self.name = HTTP2Setting(identifier).name
    self.value = value
  }
}
