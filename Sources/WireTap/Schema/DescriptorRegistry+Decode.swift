extension DescriptorRegistry {
  /// The protobuf JSON mapping of `bytes` decoded as the message named `type`, complete (no
  /// display limits); nil when the type is not described or the bytes are not that message.
  public func json(of bytes: [UInt8], type: String) -> JSONValue? {
    guard let schema = message(type),
      let decoded = DynamicDecoder.decode(bytes, as: schema, registry: self, limits: .complete)
    else { return nil }
    return DynamicJSON.json(decoded)
  }
}
