/// Turns `RenderedMessage` values into the one-line summary and the inspector tree.
enum MessageRendering {
  /// `PutRequest {key: "a", value: 5 bytes "hello"}`: short type name (if any) and fields,
  /// cut with `…` at `RenderLimits.summaryCharacters`.
  static func summary(_ message: RenderedMessage) -> String {
    var writer = SummaryWriter(limit: RenderLimits.summaryCharacters)
    if let typeName = message.typeName {
      writer.write(shortName(typeName) + " ")
    }
    writer.writeMessage(message, depth: 0)
    return writer.finish()
  }

  /// The message as a tree whose root is labelled with the type name (or `message`).
  static func tree(_ message: RenderedMessage, rootValue: String = "") -> ProtoTreeNode {
    ProtoTreeNode(label: message.typeName ?? "message", value: rootValue, children: fieldNodes(message))
  }

  /// `proto.PutRequest` → `PutRequest`.
  static func shortName(_ typeName: String) -> String {
    typeName.split(separator: ".").last.map(String.init) ?? typeName
  }

  private static func fieldNodes(_ message: RenderedMessage) -> [ProtoTreeNode] {
    var nodes = message.fields.map { field in
      node(label: field.oneof.map { "\(field.name) (oneof \($0))" } ?? field.name, value: field.value)
    }
    if message.omittedFields > 0 {
      nodes.append(ProtoTreeNode(label: "…", value: "\(message.omittedFields) more fields not shown"))
    }
    return nodes
  }

  private static func node(label: String, value: RenderedValue) -> ProtoTreeNode {
    switch value {
    case .scalar(let text):
      return ProtoTreeNode(label: label, value: text)
    case .string(let text, let total):
      var shown = TextPreview.quoted(text, maxCharacters: RenderLimits.treeStringCharacters)
      if total > text.utf8.count || text.count > RenderLimits.treeStringCharacters {
        if !shown.hasSuffix("…\"") {
          shown.removeLast()
          shown += "…\""
        }
        shown += " (\(total) bytes)"
      }
      return ProtoTreeNode(label: label, value: shown)
    case .bytes(let prefix, let count):
      return ProtoTreeNode(
        label: label,
        value: TextPreview.bytes(
          prefix, totalCount: count, maxCharacters: RenderLimits.treeBytesCharacters,
          maxHexBytes: RenderLimits.treeHexBytes))
    case .message(let nested):
      let children = fieldNodes(nested)
      let value = children.isEmpty ? "{}" : nested.typeName.map(shortName) ?? ""
      return ProtoTreeNode(label: label, value: value, children: children)
    case .list(let elements, let total):
      var children = elements.enumerated().map { node(label: "[\($0.offset)]", value: $0.element) }
      if total > elements.count {
        children.append(ProtoTreeNode(label: "…", value: "\(total - elements.count) more elements not shown"))
      }
      return ProtoTreeNode(label: label, value: "[\(total) \(total == 1 ? "element" : "elements")]", children: children)
    case .map(let entries, let total):
      var children = entries.map { node(label: inlineKey($0.key), value: $0.value) }
      if total > entries.count {
        children.append(ProtoTreeNode(label: "…", value: "\(total - entries.count) more entries not shown"))
      }
      return ProtoTreeNode(label: label, value: "{\(total) \(total == 1 ? "entry" : "entries")}", children: children)
    }
  }

  /// A map key as a short label.
  static func inlineKey(_ key: RenderedValue) -> String {
    var writer = SummaryWriter(limit: 60)
    writer.writeValue(key, depth: RenderLimits.summaryDepth)
    return writer.finish()
  }
}
