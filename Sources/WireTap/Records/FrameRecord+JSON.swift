/// A record as one JSON object, written by hand: the same bytes `JSONEncoder` writes with sorted
/// keys and unescaped slashes (a test holds them equal), about ten times faster, so logging every
/// frame (`wrap --log`, `run --export`) costs little more than decoding it.
extension FrameRecord {
  /// The record as a JSON object; `event`, when given, is added as the `"event"` key (the
  /// recording's line for a frame).
  public func jsonBytes(event: String? = nil) -> [UInt8] {
    var out = JSONBytes()
    out.bytes.reserveCapacity(512 + 2 * payloadPrefix.count)
    out.open()
    out.key("connection")
    out.int(connection)
    if let decodeError {
      out.key("decodeError")
      out.string(decodeError)
    }
    out.key("direction")
    out.string(direction.rawValue)
    if let errorCode {
      out.key("errorCode")
      out.string(errorCode)
    }
    if let event {
      out.key("event")
      out.string(event)
    }
    if !flags.isEmpty {
      out.key("flags")
      out.array(flags) { $0.string($1) }
    }
    if let grpcMessage {
      out.key("grpcMessage")
      out.string(grpcMessage)
    }
    if let grpcStatus {
      out.key("grpcStatus")
      out.int(grpcStatus)
    }
    if let headers {
      out.key("headers")
      out.array(headers) { out, field in
        out.open()
        out.key("name")
        out.string(field.name)
        out.key("value")
        out.string(field.value)
        out.close()
      }
    }
    out.key("kind")
    out.string(kind.rawValue)
    out.key("length")
    out.int(length)
    if !messages.isEmpty {
      out.key("messages")
      out.array(messages) { $0.message($1) }
    }
    if let method {
      out.key("method")
      out.string(method)
    }
    if let note {
      out.key("note")
      out.string(note)
    }
    if !payloadPrefix.isEmpty {
      out.key("payloadHex")
      out.string(Hex.encode(payloadPrefix))
    }
    if payloadTruncated {
      out.key("payloadTruncated")
      out.bool(true)
    }
    out.key("sequence")
    out.int(sequence)
    if let settings {
      out.key("settings")
      out.array(settings) { out, setting in
        out.open()
        out.key("identifier")
        out.int(Int(setting.identifier))
        out.key("name")
        out.string(setting.name)
        out.key("value")
        out.int(Int(setting.value))
        out.close()
      }
    }
    out.key("stream")
    out.int(Int(streamID))
    out.key("summary")
    out.string(summary)
    out.key("time")
    out.string(Self.formatTime(time))
    out.key("type")
    out.string(type)
    out.close()
    return out.bytes
  }
}

/// Appends JSON to a byte array: objects with keys given in sorted order, escaping like
/// `JSONEncoder` with `.withoutEscapingSlashes`.
struct JSONBytes {
  var bytes: [UInt8] = []
  private var needsComma = false

  mutating func open() {
    if needsComma { bytes.append(UInt8(ascii: ",")) }
    bytes.append(UInt8(ascii: "{"))
    needsComma = false
  }

  mutating func close() {
    bytes.append(UInt8(ascii: "}"))
    needsComma = true
  }

  mutating func key(_ name: StaticString) {
    if needsComma { bytes.append(UInt8(ascii: ",")) }
    bytes.append(UInt8(ascii: "\""))
    name.withUTF8Buffer { bytes.append(contentsOf: $0) }
    bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
    needsComma = false
  }

  mutating func array<Element>(_ elements: [Element], _ write: (inout JSONBytes, Element) -> Void) {
    bytes.append(UInt8(ascii: "["))
    needsComma = false
    for element in elements { write(&self, element) }
    bytes.append(UInt8(ascii: "]"))
    needsComma = true
  }

  mutating func int(_ value: Int) {
    if needsComma { bytes.append(UInt8(ascii: ",")) }
    bytes.append(contentsOf: String(value).utf8)
    needsComma = true
  }

  mutating func bool(_ value: Bool) {
    if needsComma { bytes.append(UInt8(ascii: ",")) }
    bytes.append(contentsOf: (value ? "true" : "false").utf8)
    needsComma = true
  }

  mutating func string(_ value: String) {
    if needsComma { bytes.append(UInt8(ascii: ",")) }
    bytes.append(UInt8(ascii: "\""))
    var value = value
    value.withUTF8 { utf8 in
      var start = 0
      for index in 0..<utf8.count {
        let byte = utf8[index]
        guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
        start = index + 1
        switch byte {
        case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
        case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
        case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
        case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
        case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        default:
          let hex: [UInt8] = Array("0123456789abcdef".utf8)
          bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
        }
      }
      bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
    }
    bytes.append(UInt8(ascii: "\""))
    needsComma = true
  }

  mutating func message(_ message: DecodedMessageRecord) {
    let content = message.content
    open()
    key("byteCount")
    int(message.byteCount)
    key("compressed")
    bool(message.compressed)
    key("isRequest")
    bool(message.isRequest)
    if let note = content.note {
      key("note")
      string(note)
    }
    key("schemaless")
    bool(content.schemaless)
    key("summary")
    string(content.summary)
    key("tree")
    node(content.tree)
    if let typeName = content.typeName {
      key("typeName")
      string(typeName)
    }
    close()
  }

  mutating func node(_ node: ProtoTreeNode) {
    open()
    if !node.children.isEmpty {
      key("children")
      array(node.children) { $0.node($1) }
    }
    key("label")
    string(node.label)
    if !node.value.isEmpty {
      key("value")
      string(node.value)
    }
    close()
  }
}
