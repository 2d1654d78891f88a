/// One field of a rendered message.
struct RenderedField: Sendable {
  var name: String
  var value: RenderedValue
  /// The oneof this field is the chosen member of (descriptor decodes only).
  var oneof: String? = nil
}
