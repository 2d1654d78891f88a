/// One entry of a rendered map field.
struct RenderedMapEntry: Sendable {
  var key: RenderedValue
  var value: RenderedValue
}
