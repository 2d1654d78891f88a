/// One line of a decoded message shown as a tree in an inspector.
///
/// A message is a node whose children are its fields; a repeated field is a node whose
/// children are labelled `[0]`, `[1]`, …; a map's children are labelled with the keys.
public struct ProtoTreeNode: Sendable, Hashable, Codable {
  /// Field name (or field number for schemaless decodes), list index, map key or type name.
  public var label: String
  /// The value as display text (strings quoted, bytes as length + preview); may be empty.
  public var value: String
  /// Nested fields or elements.
  public var children: [ProtoTreeNode]

  /// Makes a node.
  public init(label: String, value: String = "", children: [ProtoTreeNode] = []) {
    self.label = label
    self.value = value
    self.children = children
  }

  /// The tree as indented text lines (`label: value`, two spaces per level), for tests and
  /// plain-text output.
  public func textLines(indent: Int = 0) -> [String] {
    let pad = String(repeating: "  ", count: indent)
    var lines = [pad + (value.isEmpty ? label : "\(label): \(value)")]
    for child in children {
      lines += child.textLines(indent: indent + 1)
    }
    return lines
  }

  private enum CodingKeys: String, CodingKey {
    case label, value, children
  }

  /// Decodes a node; missing `value` / `children` mean empty.
  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    label = try container.decode(String.self, forKey: .label)
    value = try container.decodeIfPresent(String.self, forKey: .value) ?? ""
    children = try container.decodeIfPresent([ProtoTreeNode].self, forKey: .children) ?? []
  }

  /// Encodes a node, leaving out an empty `value` and empty `children`.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(label, forKey: .label)
    if !value.isEmpty { try container.encode(value, forKey: .value) }
    if !children.isEmpty { try container.encode(children, forKey: .children) }
  }
}
