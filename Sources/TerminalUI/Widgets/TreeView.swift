import WireTap

/// A decoded message as a tree with guides:
/// ```
/// PutRequest
/// ├─ key: "a"
/// └─ value: 5 bytes "hello"
/// ```
enum TreeView {
  /// The tree as lines (at most `limit`).
  static func lines(_ root: ProtoTreeNode, limit: Int = 2_000) -> [StyledLine] {
    var lines: [StyledLine] = [label(root)]
    append(root.children, prefix: "", into: &lines, limit: limit)
    return lines
  }

  private static func append(_ nodes: [ProtoTreeNode], prefix: String, into lines: inout [StyledLine], limit: Int) {
    for (index, node) in nodes.enumerated() {
      guard lines.count < limit else {
        lines.append(StyledLine(prefix + "…", Theme.dim))
        return
      }
      let last = index == nodes.count - 1
      lines.append(StyledLine(prefix + (last ? "└─ " : "├─ "), Theme.dim) + label(node))
      append(node.children, prefix: prefix + (last ? "   " : "│  "), into: &lines, limit: limit)
    }
  }

  private static func label(_ node: ProtoTreeNode) -> StyledLine {
    var line = StyledLine(node.label, Theme.label)
    if !node.value.isEmpty {
      line.append(": ")
      line.append(node.value)
    }
    return line
  }
}
