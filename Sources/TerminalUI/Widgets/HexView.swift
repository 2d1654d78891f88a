/// A hex dump with offsets and an ASCII column:
/// `0000  00 00 0c 01 04 00 00 00  01 00 …  |................|`.
enum HexView {
  /// Bytes per row that fit in `width` columns (16, 8 or 4).
  static func bytesPerRow(width: Int) -> Int {
    for candidate in [16, 8] where rowWidth(candidate) <= width { return candidate }
    return 4
  }

  /// The dump as lines.
  static func lines(_ bytes: [UInt8], width: Int) -> [StyledLine] {
    let perRow = bytesPerRow(width: width)
    var lines: [StyledLine] = []
    var offset = 0
    while offset < bytes.count {
      let chunk = bytes[offset..<min(bytes.count, offset + perRow)]
      var hex = ""
      var ascii = ""
      for (index, byte) in chunk.enumerated() {
        if index > 0 { hex += index % 8 == 0 ? "  " : " " }
        hex += hexByte(byte)
        ascii.append(byte >= 0x20 && byte < 0x7f ? Character(Unicode.Scalar(byte)) : ".")
      }
      let fullHexWidth = rowWidth(perRow) - 6 - perRow - 4
      var line = StyledLine(hexOffset(offset) + "  ", Theme.dim)
      line.append(Format.left(hex, fullHexWidth))
      line.append("  |", Theme.dim)
      line.append(ascii)
      line.append("|", Theme.dim)
      lines.append(line)
      offset += perRow
    }
    return lines
  }

  private static func rowWidth(_ perRow: Int) -> Int {
    // offset(4) + 2 + hex (3 per byte - 1, +1 per extra group of 8) + "  |" + ascii + "|"
    6 + perRow * 3 - 1 + (perRow - 1) / 8 + 3 + perRow + 1
  }

  private static let digits = Array("0123456789abcdef")

  private static func hexByte(_ byte: UInt8) -> String {
    String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
  }

  private static func hexOffset(_ offset: Int) -> String {
    let text = String(offset, radix: 16)
    return String(repeating: "0", count: max(0, 4 - text.count)) + text
  }
}
