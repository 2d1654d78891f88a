/// One field of a rendered message.
struct RenderedField: Sendable {
  var name: String
  var value: RenderedValue
}
