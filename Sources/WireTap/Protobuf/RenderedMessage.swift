/// A rendered message: its fields in wire/declaration order.
struct RenderedMessage: Sendable {
  /// Full protobuf name (`proto.PutRequest`); nil for schemaless decodes.
  var typeName: String?
  var fields: [RenderedField]
  /// Fields not kept because a size budget ran out.
  var omittedFields: Int = 0
}
