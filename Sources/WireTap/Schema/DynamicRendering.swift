/// Turns a `DynamicMessage` into the `RenderedMessage` the frame log's summary and inspector
/// tree are drawn from: proto field names, enum names, oneof members marked, and the
/// well-known types in their short forms (a Timestamp as RFC 3339, a wrapper as its value).
enum DynamicRendering {
  static func rendered(_ message: DynamicMessage) -> RenderedMessage {
    RenderedMessage(
      typeName: message.typeName,
      fields: message.fields.map { field in
        RenderedField(name: field.name, value: value(field.value), oneof: field.oneof)
      },
      omittedFields: message.omitted)
  }

  static func value(_ value: DynamicValue) -> RenderedValue {
    switch value {
    case .signed(let v, _): return .scalar(String(v))
    case .unsigned(let v, _): return .scalar(String(v))
    case .float(let v): return .scalar(String(describing: v))
    case .double(let v): return .scalar(String(describing: v))
    case .bool(let v): return .scalar(v ? "true" : "false")
    case .string(let text, let total): return .string(text: text, totalUTF8: total)
    case .bytes(let bytes, let total):
      return .bytes(prefix: Array(bytes.prefix(RenderLimits.storedBytesPrefix)), count: total)
    case .payload(_, let text, _, _): return .scalar(text)
    case .enumValue(_, let number, let name): return .scalar(name ?? String(number))
    case .message(let message): return wellKnown(message) ?? .message(rendered(message))
    case .list(let elements, let total): return .list(elements.map { Self.value($0) }, total: total)
    case .map(let entries, let total):
      var kept = entries.map { RenderedMapEntry(key: Self.value($0.key), value: Self.value($0.value)) }
      kept.sort { lhs, rhs in
        let left = MessageRendering.inlineKey(lhs.key)
        let right = MessageRendering.inlineKey(rhs.key)
        if let l = Int64(left), let r = Int64(right) { return l < r }
        return left < right
      }
      return .map(kept, total: total)
    case .raw(let rendered): return rendered
    }
  }

  /// Short forms of the well-known types; nil for any other message.
  private static func wellKnown(_ message: DynamicMessage) -> RenderedValue? {
    switch message.typeName {
    case "google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.FieldMask":
      guard case .string(let text) = DynamicJSON.json(message) else { return nil }
      return .scalar(text)
    case "google.protobuf.Struct", "google.protobuf.ListValue", "google.protobuf.Value":
      let text = DynamicJSON.json(message).text
      return .scalar(text.count > 1024 ? String(text.prefix(1024)) + "…" : text)
    case "google.protobuf.Any":
      guard let packed = message.field("value"), case .message(let inner) = packed.value else { return nil }
      return value(.message(inner))
    default:
      guard message.typeName.hasPrefix("google.protobuf."), message.typeName.hasSuffix("Value"),
        message.fields.count <= 1
      else { return nil }
      return value(message.field("value")?.value ?? DynamicJSON.defaultWrapped(message.typeName))
    }
  }
}
